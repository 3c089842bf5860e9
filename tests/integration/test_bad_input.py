"""No input can crash the service: numbers out of range (huge, negative, NaN, infinite), shapes
whose size overflows, load options it cannot honour, unreadable model files and broken HTTP
framing, sent to the release binary on every route that reads them (native JSON, query,
octet-stream, batch, images as JSON, query and multipart, DeepStack, KServe JSON and binary).
Each is answered with a 4xx in the route's own error form, and after each one the process still
answers GET /health."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests

import conftest
from conftest import IMAGES, TEST_MODELS, Server, StartServer, assert_error, b64

HEADER_LENGTH = "Inference-Header-Content-Length"
OVERFLOWING_SHAPES = [[1, 3, 3037000500, 3037000500], [1, 3, 1073741824, 1073741824]]
BAD_COUNTS = ["1e300", "-1e300", "nan", "inf"]
AFFINE_INPUT = np.array([[1.0, -2.0, 0.5]], dtype=np.float32)


@pytest.fixture(scope="module")
def bad(start_server: StartServer) -> Server:
    """A service with the affine test model and the demo detector, DeepStack on the demo."""
    return start_server(args=["--preload", "aff=affine.onnx", "--preload", "demo=nudenet-320n.onnx",
                              "--deepstack-model", "demo"])


@pytest.fixture(scope="module")
def jpeg() -> bytes:
    path = IMAGES / "astronaut.jpg"
    if not path.exists():
        pytest.fail(f"test image {path} is missing: run scripts/setup.sh")
    return path.read_bytes()


def alive(server: Server) -> None:
    """The process is still there and serving."""
    assert server.process is not None and server.process.poll() is None, f"the service exited:\n{server.log_tail()}"
    response = server.get("/health", timeout=10)
    assert response.status_code == 200, response.text[:300]


def native_error(server: Server, response: requests.Response, status: int = 400, code: str | None = "out_of_range",
                 names: str | None = None) -> None:
    error = assert_error(response, status, code)
    if names is not None:
        assert names in error["message"], error
    alive(server)


def deepstack_error(server: Server, response: requests.Response, status: int = 400) -> None:
    """A detection route's refusal, as CodeProject.AI answers it: HTTP 200, `success` false, the
    status in `code` and no predictions."""
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    assert body["success"] is False and isinstance(body["error"], str) and body["error"], body
    assert body["code"] == status and body["predictions"] == [], body
    alive(server)


def kserve_error(server: Server, response: requests.Response, status: int = 400, names: str | None = None) -> None:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"], body
    if names is not None:
        assert names in body["error"], body
    alive(server)


def raw_exchange(server: Server, request: bytes, wait: float = 15.0) -> tuple[bytes, float]:
    """Sends `request` on a fresh connection and reads until the answer's head (and the body its
    Content-Length announces) is in or the connection closes. Returns it and the seconds taken."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as client:
        client.sendall(request)
        answer = b""
        try:
            while True:
                chunk = client.recv(65536)
                if not chunk:
                    break
                answer += chunk
                head, _, body = answer.partition(b"\r\n\r\n")
                if _ and b"content-length:" in head.lower():
                    length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n")
                                      if line.lower().startswith(b"content-length:")))
                    if len(body) >= length:
                        break
        except socket.timeout:
            pass
    return answer, time.monotonic() - start


def raw_body(answer: bytes) -> Any:
    return json.loads(answer.partition(b"\r\n\r\n")[2])


# ---------------------------------------------------------------------------------------------
# Native JSON, query and octet-stream routes


@pytest.mark.parametrize("timeout", [1e13, 10_000_000_000_000, -1e300, 1e300, 0, -5, 2.5])
def test_timeout_ms_in_json(bad: Server, timeout: Any) -> None:
    body = {"model_id": "aff", "input_data": b64(AFFINE_INPUT), "timeout_ms": timeout}
    native_error(bad, bad.post("/inference", json=body), names="'timeout_ms'")
    native_error(bad, bad.post("/inference", json={**body, "async": True}), names="'timeout_ms'")


@pytest.mark.parametrize("timeout", ["1e13", "10000000000000", "nan", "inf", "-1", "abc"])
def test_timeout_ms_in_the_query(bad: Server, timeout: str) -> None:
    response = bad.post(f"/inference?model_id=aff&timeout_ms={timeout}", data=AFFINE_INPUT.tobytes(),
                        headers={"Content-Type": "application/octet-stream"})
    native_error(bad, response, names="'timeout_ms'")


def test_an_input_too_small_for_the_graph_is_422(bad: Server) -> None:
    """The demo detector's height and width are free, so a 2×2 image passes the signature check,
    but the graph cannot run on it (a Concat inside fails): the input is at fault, not the
    service. KServe says the same in its own form (400, as Triton answers every bad input)."""
    tiny = np.zeros((1, 3, 2, 2), dtype=np.float32)
    response = bad.post("/inference?model_id=demo&shape=1,3,2,2", data=tiny.tobytes(),
                        headers={"Content-Type": "application/octet-stream"})
    native_error(bad, response, status=422, code="shape_mismatch", names="[1, 3, 2, 2]")
    body = {"inputs": [{"name": "images", "datatype": "FP32", "shape": [1, 3, 2, 2], "data": tiny.ravel().tolist()}]}
    kserve_error(bad, bad.post("/v2/models/demo/infer", json=body), status=400, names="[1, 3, 2, 2]")  # Triton: 400


@pytest.mark.parametrize("shape", OVERFLOWING_SHAPES)
def test_overflowing_shapes_native(bad: Server, shape: list[int]) -> None:
    data = b64(np.zeros((1, 3, 4, 4), dtype=np.float32))
    native_error(bad, bad.post("/inference", json={"model_id": "demo", "input_data": data, "shape": shape}))
    native_error(bad, bad.post("/inference", json={"model_id": "demo", "inputs": {"images": {"data": data, "shape": shape}}}))
    response = bad.post(f"/inference?model_id=demo&shape={','.join(map(str, shape))}", data=base64.b64decode(data),
                        headers={"Content-Type": "application/octet-stream"})
    native_error(bad, response)


@pytest.mark.parametrize("shape", ["1,3,1e300,1", "1,3,-1e300,1", "1,3,nan,1", "1,inf", "1,-3"])
def test_shape_text_out_of_range(bad: Server, shape: str) -> None:
    response = bad.post(f"/inference?model_id=aff&shape={shape}", data=AFFINE_INPUT.tobytes(),
                        headers={"Content-Type": "application/octet-stream"})
    native_error(bad, response, names="'shape[")


def test_json_numbers_out_of_range_are_named(bad: Server) -> None:
    # A number no 64-bit field holds names the field and its range instead of "malformed JSON".
    body = '{"model_id": "aff", "input_data": "%s", "shape": [1, 1e300]}' % b64(AFFINE_INPUT)
    native_error(bad, bad.post("/inference", data=body, headers={"Content-Type": "application/json"}), names="'shape[1]'")
    # NaN is not JSON at all: malformed, still a 400.
    body = '{"model_id": "aff", "input_data": "%s", "timeout_ms": NaN}' % b64(AFFINE_INPUT)
    native_error(bad, bad.post("/inference", data=body, headers={"Content-Type": "application/json"}), code="invalid_json")


def test_batch(bad: Server) -> None:
    item = {"input_data": b64(AFFINE_INPUT)}
    response = bad.post("/inference/batch", json={"model_id": "aff", "timeout_ms": 1e13, "items": [item]})
    native_error(bad, response, names="'timeout_ms'")
    response = bad.post("/inference/batch", json={"model_id": "aff", "async": True, "timeout_ms": 1e13, "items": [item]})
    native_error(bad, response, names="'timeout_ms'")
    response = bad.post("/inference/batch", json={"model_id": "demo", "items": [
        {"input_data": b64(np.zeros((1, 3, 4, 4), dtype=np.float32)), "shape": OVERFLOWING_SHAPES[0]},
        {"input_data": b64(np.zeros((1, 3, 4, 4), dtype=np.float32)), "shape": OVERFLOWING_SHAPES[1]},
        {"input_data": b64(np.zeros((1, 3, 4, 4), dtype=np.float32)), "timeout_ms": 1e13}]})
    assert response.status_code == 200, response.text[:300]
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["failed"] * 3, results
    assert {r["error"]["code"] for r in results} == {"out_of_range"}, results
    alive(bad)


# ---------------------------------------------------------------------------------------------
# Images: JSON, query, multipart; DeepStack


@pytest.mark.parametrize("value", BAD_COUNTS + ["0", "2.5"])
def test_max_detections(bad: Server, jpeg: bytes, value: str) -> None:
    response = bad.post(f"/inference?model_id=demo&max_detections={value}", data=jpeg, headers={"Content-Type": "image/jpeg"})
    native_error(bad, response, names="'max_detections'")
    response = bad.post("/inference", data={"model_id": "demo", "max_detections": value}, files={"image": ("a.jpg", jpeg, "image/jpeg")})
    native_error(bad, response, names="'max_detections'")
    number = float(value)
    if np.isfinite(number):
        body = '{"model_id": "demo", "input_data": "%s", "max_detections": %s}' % (base64.b64encode(jpeg).decode(), value)
        native_error(bad, bad.post("/inference", data=body, headers={"Content-Type": "application/json"}), names="'max_detections'")


@pytest.mark.parametrize("field", ["score_threshold", "iou_threshold", "timeout_ms", "width"])
@pytest.mark.parametrize("value", BAD_COUNTS)
def test_other_image_numbers(bad: Server, jpeg: bytes, field: str, value: str) -> None:
    response = bad.post(f"/inference?model_id=demo&{field}={value}", data=jpeg, headers={"Content-Type": "image/jpeg"})
    native_error(bad, response, names=f"'{field}'")
    response = bad.post("/inference", data={"model_id": "demo", field: value}, files={"image": ("a.jpg", jpeg, "image/jpeg")})
    native_error(bad, response, names=f"'{field}'")


@pytest.mark.parametrize("value", BAD_COUNTS + ["-0.5", "1.5"])
def test_deepstack_min_confidence(bad: Server, jpeg: bytes, value: str) -> None:
    for path in ("/v1/vision/detection", "/v1/vision/custom/demo"):
        response = bad.post(path, data={"min_confidence": value}, files={"image": ("a.jpg", jpeg, "image/jpeg")})
        deepstack_error(bad, response)


# ---------------------------------------------------------------------------------------------
# KServe JSON and binary


def kserve_infer(server: Server, model: str, body: dict[str, Any]) -> requests.Response:
    return server.post(f"/v2/models/{model}/infer", json=body)


@pytest.mark.parametrize("timeout", [1e13, 10_000_000_000_000, -1e300, 1e300, -5, 0])
def test_kserve_timeout(bad: Server, timeout: Any) -> None:
    body = {"parameters": {"timeout": timeout}, "inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}
    kserve_error(bad, kserve_infer(bad, "aff", body), names="'timeout'")
    body = {"parameters": {"priority": timeout}, "inputs": body["inputs"]}
    if timeout not in (1e13, 10_000_000_000_000, 0):  # those are valid priorities
        kserve_error(bad, kserve_infer(bad, "aff", body), names="'priority'")


@pytest.mark.parametrize("shape", OVERFLOWING_SHAPES)
def test_kserve_overflowing_shapes(bad: Server, shape: list[int]) -> None:
    for datatype, data in (("FP32", [0.0] * 4), ("BYTES", ["a"])):
        body = {"inputs": [{"name": "images", "shape": shape, "datatype": datatype, "data": data}]}
        kserve_error(bad, kserve_infer(bad, "demo", body))
    for datatype, payload in (("FP32", bytes(16)), ("BYTES", b"\x01\x00\x00\x00a")):
        header = json.dumps({"inputs": [{"name": "images", "shape": shape, "datatype": datatype,
                                         "parameters": {"binary_data_size": len(payload)}}]}).encode()
        response = bad.post("/v2/models/demo/infer", data=header + payload,
                            headers={"Content-Type": "application/octet-stream", HEADER_LENGTH: str(len(header))})
        kserve_error(bad, response)


def test_kserve_json_numbers_out_of_range_are_named(bad: Server) -> None:
    for dimension in ("1e300", "2.5"):
        body = '{"inputs": [{"name": "x", "shape": [1, %s], "datatype": "FP32", "data": [1, 2, 3]}]}' % dimension
        response = bad.post("/v2/models/aff/infer", data=body, headers={"Content-Type": "application/json"})
        kserve_error(bad, response, names="'inputs.x.shape[1]'")


@pytest.mark.parametrize("value", [1e300, -1e300, 0, "nan", "inf"])
def test_kserve_image_max_detections(bad: Server, jpeg: bytes, value: Any) -> None:
    # An image as a BYTES element (4-byte length, then the JPEG) to a detection model.
    element = len(jpeg).to_bytes(4, "little") + jpeg
    header = json.dumps({"parameters": {"max_detections": value},
                         "inputs": [{"name": "images", "shape": [1], "datatype": "BYTES",
                                     "parameters": {"binary_data_size": len(element)}}]}).encode()
    response = bad.post("/v2/models/demo/infer", data=header + element,
                        headers={"Content-Type": "application/octet-stream", HEADER_LENGTH: str(len(header))})
    kserve_error(bad, response, names="'max_detections'")


# ---------------------------------------------------------------------------------------------
# Load options


@pytest.mark.parametrize("options,name", [
    ({"intra_op_threads": 2000}, "intra_op_threads"),
    ({"inter_op_threads": -1}, "inter_op_threads"),
    ({"max_queue": -1}, "max_queue"),
    ({"max_in_flight": 0}, "max_in_flight"),
    ({"max_batch_size": 1e300}, "max_batch_size"),
    ({"max_queue_delay_us": 1e13}, "max_queue_delay_us"),
    ({"input_shapes": {"images": OVERFLOWING_SHAPES[0]}}, "input_shapes"),
    ({"input_shapes": {"images": [1, 3, 1e300, 320]}}, "input_shapes"),
])
def test_load_options_out_of_range(bad: Server, options: dict[str, Any], name: str) -> None:
    response = bad.post("/models/load", json={"model_path": "nudenet-320n.onnx", "model_id": "opts", "options": options})
    native_error(bad, response, names=f"options.{name}")
    response = bad.post("/v2/repository/models/opts/load", json={"parameters": {"config": json.dumps(
        {"model_path": "nudenet-320n.onnx", "options": options})}})
    kserve_error(bad, response, names=f"options.{name}")
    assert "opts" not in {m["model_id"] for m in bad.get("/models").json()["models"]}


# ---------------------------------------------------------------------------------------------
# HTTP framing


@pytest.mark.parametrize("path,dialect", [("/inference", "native"), ("/v2/models/aff/infer", "kserve"),
                                          ("/v1/vision/detection", "deepstack"), ("/models/load", "native")])
def test_declared_body_over_the_limit_is_413_at_once(bad: Server, path: str, dialect: str) -> None:
    request = (f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
               f"Content-Length: 10000000000\r\n\r\n").encode()
    answer, seconds = raw_exchange(bad, request)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:300]
    assert seconds < 10, seconds  # at once: not after the body, which never comes (or the 30 s idle timeout)
    body = raw_body(answer)
    if dialect == "native":
        assert body["error"]["code"] == "payload_too_large", body
    elif dialect == "kserve":
        assert list(body) == ["error"] and isinstance(body["error"], str), body
    else:
        assert body["success"] is False and isinstance(body["error"], str), body
    alive(bad)


@pytest.mark.parametrize("path,dialect", [("/inference", "native"), ("/v2/models/aff/infer", "kserve"),
                                          ("/v1/vision/detection", "deepstack")])
@pytest.mark.parametrize("chunk", [b"zz", b"-5", b"ffffffffffffffffffff"])
def test_bad_chunk_size_is_400(bad: Server, path: str, dialect: str, chunk: bytes) -> None:
    request = (f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
               f"Transfer-Encoding: chunked\r\n\r\n").encode() + chunk + b"\r\n{}\r\n0\r\n\r\n"
    answer, _ = raw_exchange(bad, request)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:300]
    body = raw_body(answer) if answer.partition(b"\r\n\r\n")[2] else None
    if body is not None:
        if dialect == "native":
            assert body["error"]["code"], body
        elif dialect == "kserve":
            assert isinstance(body["error"], str), body
        else:
            assert body["success"] is False, body
    alive(bad)


# ---------------------------------------------------------------------------------------------
# Model files the service may not read


def test_unreadable_model_file(start_server: StartServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model file the service's user cannot read is 403 with a message naming the file as the
    client did, not Foundation's error domain or the models directory's path. As root every
    file is readable, so the service runs as `nobody` then."""
    root = Path(tempfile.mkdtemp(prefix="hailo8-unreadable-"))
    try:
        os.chmod(root, 0o755)
        models, data = root / "models", root / "data"
        models.mkdir()
        data.mkdir()
        os.chmod(data, 0o777)
        shutil.copy2(TEST_MODELS / "affine.onnx", models / "affine.onnx")
        shutil.copy2(TEST_MODELS / "affine.onnx", models / "locked.onnx")
        os.chmod(models / "affine.onnx", 0o644)
        os.chmod(models / "locked.onnx", 0o000)
        if os.geteuid() == 0:
            popen = subprocess.Popen

            def as_nobody(*args: Any, **kwargs: Any) -> subprocess.Popen:
                return popen(*args, user=65534, group=65534, **kwargs)

            monkeypatch.setattr(conftest.subprocess, "Popen", as_nobody)
        server = start_server(root=root, populate=False)
        monkeypatch.undo()
        response = server.post("/models/load", json={"model_path": "locked.onnx"})
        error = assert_error(response, 403, "model_file_unreadable")
        assert "locked.onnx" in error["message"] and "permission denied" in error["message"], error
        assert str(root) not in error["message"] and "NSCocoaErrorDomain" not in error["message"], error
        response = server.post("/v2/repository/models/locked/load", json={"parameters": {"config": json.dumps({"model_path": "locked.onnx"})}})
        assert response.status_code == 403, response.text[:300]
        assert str(root) not in response.json()["error"], response.text[:300]
        missing = server.post("/models/load", json={"model_path": "missing.onnx"})
        assert str(root) not in assert_error(missing, 404, "model_file_not_found")["message"]
        alive(server)
        assert server.post("/models/load", json={"model_path": "affine.onnx"}).status_code == 201
        server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
