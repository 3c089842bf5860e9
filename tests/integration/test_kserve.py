"""The KServe v2 / Open Inference Protocol API, driven by an unmodified tritonclient.http (and by
plain requests for malformed bodies that the client would never send), against the release
binary. Every output is compared with onnxruntime's own result on the same input."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Callable

import numpy as np
import onnxruntime
import pytest
import requests
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from conftest import DEMO_MODEL, IMAGES, TEST_MODELS, Server, StartServer, demo_input

ATOL = RTOL = 1e-4
HEADER_LENGTH = "Inference-Header-Content-Length"


@pytest.fixture(scope="module")
def kserver(start_server: StartServer) -> Server:
    """A service of its own (its model list is asserted here), nothing preloaded."""
    return start_server()


@pytest.fixture(scope="module")
def client(kserver: Server) -> httpclient.InferenceServerClient:
    c = httpclient.InferenceServerClient(url=f"127.0.0.1:{kserver.port}", network_timeout=60.0)
    yield c
    c.close()


@pytest.fixture(scope="module")
def loaded(client: httpclient.InferenceServerClient) -> Callable[[str], str]:
    """loaded(name) loads a model of the models root by its name once per module."""
    done: set[str] = set()

    def load(name: str) -> str:
        if name not in done:
            client.load_model(name)
            done.add(name)
        return name

    return load


def session(path: Path) -> onnxruntime.InferenceSession:
    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def ort_shape(shape: list[Any]) -> list[int]:
    return [d if isinstance(d, int) else -1 for d in shape]


def infer_input(name: str, array: np.ndarray, datatype: str, binary: bool) -> httpclient.InferInput:
    tensor = httpclient.InferInput(name, list(array.shape), datatype)
    tensor.set_data_from_numpy(array, binary_data=binary)
    return tensor


def error_message(response: requests.Response, status: int) -> str:
    """The response is `status` with the protocol's {"error": "<message>"} body."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text[:500]}"
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"], body
    return body["error"]


def assert_still_serving(client: httpclient.InferenceServerClient, loaded: Callable[[str], str]) -> None:
    assert client.is_server_live() and client.is_server_ready()
    x = np.array([[1, 2, 3]], dtype=np.float32)
    result = client.infer(loaded("affine"), [infer_input("x", x, "FP32", True)])
    np.testing.assert_array_equal(result.as_numpy("y"), 2 * x + 1)


# ---------------------------------------------------------------------------------------------
# Server, repository and model metadata


def test_server_health_and_metadata(client: httpclient.InferenceServerClient) -> None:
    assert client.is_server_live()
    assert client.is_server_ready()
    metadata = client.get_server_metadata()
    assert metadata["name"] == "hailo8-service"
    assert isinstance(metadata["version"], str) and metadata["version"]
    assert {"binary_tensor_data", "model_repository"} <= set(metadata["extensions"])


def test_repository_index_load_unload(kserver: Server, client: httpclient.InferenceServerClient) -> None:
    index = {m["name"]: m for m in client.get_model_repository_index()}
    for name in ("nudenet-320n", "affine", "two_inputs", "types", "slow", "bad"):
        assert name in index, index
    assert index["two_inputs"]["state"] == "UNAVAILABLE"
    assert not client.is_model_ready("two_inputs")

    client.load_model("two_inputs")
    assert client.is_model_ready("two_inputs")
    assert client.is_model_ready("two_inputs", model_version="1")
    index = {m["name"]: m for m in client.get_model_repository_index()}
    assert index["two_inputs"]["state"] == "READY" and index["two_inputs"]["version"] == "1"
    ready_only = kserver.post("/v2/repository/index", json={"ready": True}).json()
    assert "two_inputs" in [m["name"] for m in ready_only]
    assert all(m["state"] == "READY" for m in ready_only)
    # The native API sees the same registry.
    assert "two_inputs" in [m["model_id"] for m in kserver.get("/models").json()["models"]]
    client.load_model("two_inputs")  # loading again is fine

    client.unload_model("two_inputs")
    assert not client.is_model_ready("two_inputs")
    index = {m["name"]: m for m in client.get_model_repository_index()}
    assert index["two_inputs"]["state"] == "UNAVAILABLE"

    with pytest.raises(InferenceServerException) as error:
        client.load_model("bad")
    assert error.value.status() == "400" and "bad" in error.value.message()
    with pytest.raises(InferenceServerException) as error:
        client.load_model("no_such_model")
    assert error.value.status() == "404" and "no_such_model.onnx" in error.value.message()
    with pytest.raises(InferenceServerException) as error:
        client.unload_model("no_such_model")
    assert error.value.status() == "404"


def test_load_with_config_and_upload(kserver: Server, client: httpclient.InferenceServerClient) -> None:
    config = {"model_path": "affine.onnx", "labels": ["a", "b"], "options": {"intra_op_threads": 1}}
    client.load_model("aff_cfg", config=json.dumps(config))
    assert client.is_model_ready("aff_cfg")
    model_config = client.get_model_config("aff_cfg")
    assert json.loads(model_config["parameters"]["labels"]["string_value"]) == ["a", "b"]
    assert model_config["parameters"]["source"]["string_value"] == "affine.onnx"
    client.unload_model("aff_cfg")

    client.load_model("aff_up", files={"file:1/model.onnx": (TEST_MODELS / "affine.onnx").read_bytes()})
    x = np.array([[0.5, -1, 4]], dtype=np.float32)
    result = client.infer("aff_up", [infer_input("x", x, "FP32", True)])
    np.testing.assert_array_equal(result.as_numpy("y"), 2 * x + 1)
    client.unload_model("aff_up")

    with pytest.raises(InferenceServerException) as error:
        client.load_model("aff_bad", config="{not json")
    assert error.value.status() == "400" and "config" in error.value.message()


def test_model_metadata_and_config(client: httpclient.InferenceServerClient) -> None:
    client.load_model("demo", config=json.dumps({"model_path": "nudenet-320n.onnx"}))
    reference = session(DEMO_MODEL)
    metadata = client.get_model_metadata("demo")
    assert metadata["name"] == "demo" and metadata["versions"] == ["1"]
    assert metadata["platform"] == "onnxruntime_onnx"
    assert metadata["inputs"] == [
        {"name": i.name, "datatype": "FP32", "shape": ort_shape(i.shape)} for i in reference.get_inputs()
    ]
    assert metadata["inputs"][0]["shape"] == [-1, 3, -1, -1]
    assert metadata["outputs"] == [
        {"name": o.name, "datatype": "FP32", "shape": ort_shape(o.shape)} for o in reference.get_outputs()
    ]
    assert client.get_model_metadata("demo", model_version="1") == metadata

    config = client.get_model_config("demo")
    assert config["name"] == "demo" and config["platform"] == "onnxruntime_onnx"
    assert config["max_batch_size"] == 0
    assert config["input"] == [{"name": "images", "data_type": "TYPE_FP32", "dims": [-1, 3, -1, -1]}]
    assert config["output"][0]["name"] == "output0" and config["output"][0]["data_type"] == "TYPE_FP32"
    assert config["parameters"]["default_shape.images"]["string_value"] == "1,3,320,320"

    with pytest.raises(InferenceServerException) as error:
        client.get_model_metadata("demo", model_version="2")
    assert error.value.status() == "404"
    with pytest.raises(InferenceServerException) as error:
        client.get_model_metadata("nobody")
    assert error.value.status() == "404" and "nobody" in error.value.message()


# ---------------------------------------------------------------------------------------------
# Inference


@pytest.mark.parametrize("binary_in", [True, False], ids=["binary-in", "json-in"])
@pytest.mark.parametrize("binary_out", [True, False], ids=["binary-out", "json-out"])
def test_demo_inference(client: httpclient.InferenceServerClient, binary_in: bool, binary_out: bool) -> None:
    client.load_model("demo", config=json.dumps({"model_path": "nudenet-320n.onnx"}))
    x = demo_input(3)
    (expected,) = session(DEMO_MODEL).run(None, {"images": x})
    outputs = [httpclient.InferRequestedOutput("output0", binary_data=binary_out)]
    result = client.infer("demo", [infer_input("images", x, "FP32", binary_in)], outputs=outputs, request_id="req-7")
    response = result.get_response()
    assert response["model_name"] == "demo" and response["model_version"] == "1" and response["id"] == "req-7"
    output = result.get_output("output0")
    assert output["datatype"] == "FP32" and output["shape"] == [1, 22, 2100]
    assert ("binary_data_size" in output.get("parameters", {})) == binary_out
    assert ("data" in output) == (not binary_out)
    y = result.as_numpy("output0")
    assert y.dtype == np.float32 and y.shape == expected.shape
    np.testing.assert_allclose(y, expected, atol=ATOL, rtol=RTOL)


def test_default_outputs_are_binary_and_versions(client: httpclient.InferenceServerClient, loaded) -> None:
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    result = client.infer(loaded("affine"), [infer_input("x", x, "FP32", False)], model_version="1")
    assert result.get_output("y")["parameters"]["binary_data_size"] == x.nbytes
    np.testing.assert_array_equal(result.as_numpy("y"), session(TEST_MODELS / "affine.onnx").run(None, {"x": x})[0])
    with pytest.raises(InferenceServerException) as error:
        client.infer("affine", [infer_input("x", x, "FP32", True)], model_version="3")
    assert error.value.status() == "404"


def test_two_inputs_mixed_and_requested_outputs(client: httpclient.InferenceServerClient, loaded) -> None:
    loaded("two_inputs")
    rng = np.random.default_rng(5)
    a = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal((3, 4)).astype(np.float32)
    expected = dict(zip(["sum", "prod"], session(TEST_MODELS / "two_inputs.onnx").run(["sum", "prod"], {"a": a, "b": b})))
    inputs = [infer_input("a", a, "FP32", True), infer_input("b", b, "FP32", False)]
    outputs = [httpclient.InferRequestedOutput("sum", binary_data=True), httpclient.InferRequestedOutput("prod", binary_data=False)]
    result = client.infer("two_inputs", inputs, outputs=outputs)
    for name in ("sum", "prod"):
        np.testing.assert_allclose(result.as_numpy(name), expected[name], atol=ATOL, rtol=RTOL)
    only = client.infer("two_inputs", inputs, outputs=[httpclient.InferRequestedOutput("prod")])
    assert [o["name"] for o in only.get_response()["outputs"]] == ["prod"]
    np.testing.assert_allclose(only.as_numpy("prod"), expected["prod"], atol=ATOL, rtol=RTOL)


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json"])
def test_types_exact(client: httpclient.InferenceServerClient, loaded, binary: bool) -> None:
    loaded("types")
    feeds = {
        "i8": np.array([[-128, -1], [0, 127]], dtype=np.int8),
        "u8": np.array([[0, 1], [200, 255]], dtype=np.uint8),
        "f16": np.array([[0.1, -2.5], [1000, 6e-5]], dtype=np.float16),
        "i64": np.array([2**40 + 1, -(2**50) - 3, 7], dtype=np.int64),
    }
    datatypes = {"i8": "INT8", "u8": "UINT8", "f16": "FP16", "i64": "INT64"}
    inputs = [infer_input(n, v, datatypes[n], binary) for n, v in feeds.items()]
    names = ["i8_out", "u8_out", "f16_out", "i64_out"]
    outputs = [httpclient.InferRequestedOutput(n, binary_data=binary) for n in names]
    result = client.infer("types", inputs, outputs=outputs)
    expected = dict(zip(names, session(TEST_MODELS / "types.onnx").run(names, feeds)))
    for name in names:
        y = result.as_numpy(name)
        assert y.dtype == expected[name].dtype, (name, y.dtype)
        np.testing.assert_array_equal(y, expected[name])
    assert result.get_output("f16_out")["datatype"] == "FP16"
    assert result.get_output("i64_out")["datatype"] == "INT64"


def test_json_non_finite_values(client: httpclient.InferenceServerClient, kserver: Server, loaded) -> None:
    """Bare NaN, Infinity and -Infinity in JSON tensor data, as Triton (rapidjson) and
    tritonclient.http (json.dumps) write them, and the same tokens in the JSON answer."""
    loaded("affine")
    x = np.array([[np.nan, np.inf, -np.inf], [1.5, -0.0, 3.4028235e38]], dtype=np.float32)
    expected = session(TEST_MODELS / "affine.onnx").run(None, {"x": x})[0]
    assert np.isnan(expected[0, 0]) and np.isinf(expected).sum() == 3
    result = client.infer("affine", [infer_input("x", x, "FP32", False)],
                          outputs=[httpclient.InferRequestedOutput("y", binary_data=False)])
    np.testing.assert_array_equal(result.as_numpy("y"), expected)
    # The raw text: bare tokens in, bare tokens out (strings "NaN" are still accepted too).
    body = '{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [NaN, "Infinity", -Infinity]}]}'
    response = requests.post(f"{kserver.url}/v2/models/affine/infer", data=body, timeout=30)
    assert response.status_code == 200, response.text
    assert '"data":[NaN,Infinity,-Infinity]' in response.text
    # NaN anywhere but in tensor data is not JSON.
    bad = '{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}], "id": NaN}'
    assert requests.post(f"{kserver.url}/v2/models/affine/infer", data=bad, timeout=30).status_code == 400


def test_statistics(client: httpclient.InferenceServerClient, loaded) -> None:
    loaded("affine")
    before = client.get_inference_statistics("affine")["model_stats"][0]
    x = np.ones((1, 3), dtype=np.float32)
    for _ in range(3):
        client.infer("affine", [infer_input("x", x, "FP32", True)])
    stats = client.get_inference_statistics("affine")["model_stats"][0]
    assert stats["name"] == "affine" and stats["version"] == "1"
    # One row per request here: each is one inference and (alone) one run.
    assert stats["inference_count"] == before["inference_count"] + 3
    assert stats["execution_count"] == before["execution_count"] + 3
    infer = stats["inference_stats"]
    assert infer["success"]["count"] == before["inference_stats"]["success"]["count"] + 3
    assert infer["success"]["ns"] > 0
    assert infer["compute_infer"]["ns"] > 0
    # perf_analyzer's checks: every field present, the compute counts equal.
    for part in ("fail", "queue", "compute_input", "compute_infer", "compute_output", "cache_hit", "cache_miss"):
        assert set(infer[part]) == {"count", "ns"}, part
    assert infer["compute_input"]["count"] == infer["compute_infer"]["count"] == infer["compute_output"]["count"]
    assert infer["compute_infer"]["count"] == infer["success"]["count"]
    assert infer["cache_hit"] == {"count": 0, "ns": 0}
    parts = sum(infer[p]["ns"] for p in ("queue", "compute_input", "compute_infer", "compute_output"))
    assert parts <= infer["success"]["ns"]
    runs = sum(b["compute_infer"]["count"] for b in stats["batch_stats"])
    assert runs == stats["execution_count"]
    for batch in stats["batch_stats"]:
        assert batch["compute_input"]["count"] == batch["compute_infer"]["count"] == batch["compute_output"]["count"]
    assert stats["last_inference"] > 0
    everything = client.get_inference_statistics()
    assert "affine" in [m["name"] for m in everything["model_stats"]]


# ---------------------------------------------------------------------------------------------
# Malformed requests: a clear error each, and the service keeps serving


def test_wrong_datatype_and_shape(client: httpclient.InferenceServerClient, loaded) -> None:
    loaded("affine")
    with pytest.raises(InferenceServerException) as error:
        client.infer("affine", [infer_input("x", np.ones((1, 3), dtype=np.float64), "FP64", True)])
    assert error.value.status() == "400" and "float32" in error.value.message()
    with pytest.raises(InferenceServerException) as error:
        client.infer("affine", [infer_input("x", np.ones((1, 4), dtype=np.float32), "FP32", True)])
    assert error.value.status() == "400" and "shape" in error.value.message()
    with pytest.raises(InferenceServerException) as error:
        client.infer("affine", [infer_input("nope", np.ones((1, 3), dtype=np.float32), "FP32", True)])
    assert error.value.status() == "400" and "'nope'" in error.value.message()
    with pytest.raises(InferenceServerException) as error:
        client.infer("ghost", [infer_input("x", np.ones((1, 3), dtype=np.float32), "FP32", True)])
    assert error.value.status() == "404" and "ghost" in error.value.message()
    bytes_input = httpclient.InferInput("x", [1, 3], "BYTES")
    bytes_input.set_data_from_numpy(np.array([[b"a", b"b", b"c"]], dtype=np.object_))
    with pytest.raises(InferenceServerException) as error:
        client.infer("affine", [bytes_input])
    assert error.value.status() == "400" and "BYTES" in error.value.message() and "FP32" in error.value.message()
    assert_still_serving(client, loaded)


def test_malformed_bodies(kserver: Server, client: httpclient.InferenceServerClient, loaded) -> None:
    loaded("affine")
    url = "/v2/models/affine/infer"
    raw = np.ones((1, 3), dtype=np.float32).tobytes()
    header = json.dumps({"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32",
                                      "parameters": {"binary_data_size": len(raw)}}]}).encode()

    # Missing binary bytes.
    message = error_message(kserver.post(url, data=header + raw[:-4], headers={HEADER_LENGTH: str(len(header))}), 400)
    assert "binary_data_size 12" in message and "only 8" in message
    # Extra bytes that no input claims.
    message = error_message(kserver.post(url, data=header + raw + b"xx", headers={HEADER_LENGTH: str(len(header))}), 400)
    assert "2 bytes" in message
    # Bad header lengths: not a number, longer than the body, cutting the JSON.
    for value in ("twelve", str(len(header) + len(raw) + 1)):
        message = error_message(kserver.post(url, data=header + raw, headers={HEADER_LENGTH: value}), 400)
        assert HEADER_LENGTH in message
    error_message(kserver.post(url, data=header + raw, headers={HEADER_LENGTH: str(len(header) - 5)}), 400)
    # Binary data without the header length.
    message = error_message(kserver.post(url, data=header + raw), 400)
    assert "JSON" in message or "binary" in message
    # JSON data whose count does not match the shape, values that do not fit, no data at all.
    bad_count = {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2]}]}
    assert "needs 3" in error_message(kserver.post(url, json=bad_count), 400)
    bad_value = {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, True, 3]}]}
    assert "element 1" in error_message(kserver.post(url, json=bad_value), 400)
    no_data = {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32"}]}
    assert "no data" in error_message(kserver.post(url, json=no_data), 400)
    unknown_type = {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FLOAT32", "data": [1, 2, 3]}]}
    assert "FLOAT32" in error_message(kserver.post(url, json=unknown_type), 400)
    # Not JSON, unknown route.
    error_message(kserver.post(url, data=b"{nope"), 400)
    error_message(kserver.get("/v2/nothing/here"), 404)
    assert_still_serving(client, loaded)


def test_api_keys_on_v2(start_server: StartServer) -> None:
    s = start_server(args=["--api-key", "k1", "--preload", "affine=affine.onnx"])
    assert s.get("/v2/health/live").status_code == 200
    assert s.get("/v2/health/ready").status_code == 200
    assert "API key" in error_message(s.get("/v2/models/affine"), 401)
    c = httpclient.InferenceServerClient(url=f"127.0.0.1:{s.port}")
    try:
        with pytest.raises(InferenceServerException) as error:
            c.get_model_metadata("affine")
        assert error.value.status() == "401"
        x = np.ones((2, 3), dtype=np.float32)
        result = c.infer("affine", [infer_input("x", x, "FP32", True)], headers={"Authorization": "Bearer k1"})
        np.testing.assert_array_equal(result.as_numpy("y"), 2 * x + 1)
    finally:
        c.close()


def test_images_as_bytes_give_the_native_detections(kserver: Server, client: httpclient.InferenceServerClient) -> None:
    """One encoded JPEG/PNG per BYTES element (OpenVINO Model Server's way), answered with
    detection tensors; the same detections as the native route for the same images. (Binary
    tensor data: JSON cannot carry the images' bytes, and tritonclient refuses to try.)"""
    binary = True
    client.load_model("demo", config=json.dumps({"model_path": "nudenet-320n.onnx"}))
    images_dir = IMAGES
    images = [(images_dir / name).read_bytes() for name in ("astronaut.jpg", "coffee.png", "astronaut.png")]
    tensor = httpclient.InferInput("images", [len(images)], "BYTES")
    tensor.set_data_from_numpy(np.array(images, dtype=np.object_), binary_data=binary)
    result = client.infer("demo", [tensor])
    boxes, scores = result.as_numpy("detection_boxes"), result.as_numpy("detection_scores")
    classes, counts = result.as_numpy("detection_classes"), result.as_numpy("num_detections")
    assert boxes.shape[0] == 3 and boxes.shape[2] == 4 and counts.tolist()[1] == 0
    for index, image in enumerate(images):
        native = kserver.post("/inference", json={"model_id": "demo", "input_data": base64.b64encode(image).decode()}).json()
        expected = native["detections"]
        assert counts[index] == len(expected), (index, counts, expected)
        for k, detection in enumerate(expected):
            box = detection["box"]
            np.testing.assert_allclose(boxes[index, k], [box["x_min"], box["y_min"], box["x_max"], box["y_max"]], atol=0.01)
            assert scores[index, k] == pytest.approx(detection["score"], abs=1e-3)
            assert classes[index, k] == detection["class_id"]
        assert (classes[index, len(expected):] == -1).all()
    # A BYTES element that is not an image: 415 (not a supported image), and the service keeps serving.
    bad = httpclient.InferInput("images", [1], "BYTES")
    bad.set_data_from_numpy(np.array([b"not an image"], dtype=np.object_))
    with pytest.raises(InferenceServerException) as error:
        client.infer("demo", [bad])
    assert error.value.status() == "415" and "image" in error.value.message()
    assert client.is_server_ready()
