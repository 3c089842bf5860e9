"""Integration tests: the release binary over real HTTP, checked against docs/api.md and against
onnxruntime run directly from Python."""

from __future__ import annotations

import base64
import http.client
import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import requests

from conftest import (
    BINARY,
    REPO_ROOT,
    TEST_MODELS,
    Server,
    StartServer,
    assert_error,
    b64,
    decode_tensor,
    demo_input,
    make_test_models,
    onnxruntime_library,
    outputs_by_name,
    require_artifacts,
)

EXPECTED_ORT_VERSION = "1.32.0"
ATOL = RTOL = 1e-4


def assert_timing(timing: dict[str, Any]) -> None:
    for key in ("queue_ms", "inference_ms", "total_ms"):
        assert isinstance(timing.get(key), (int, float)), timing
        assert timing[key] >= 0, timing
    assert timing["total_ms"] + 1e-6 >= timing["inference_ms"], timing


def assert_demo_output(body: dict[str, Any], reference: np.ndarray) -> None:
    assert len(body["outputs"]) == 1, [o["name"] for o in body["outputs"]]
    out = body["outputs"][0]
    assert out["name"] == "output0"
    assert out["dtype"] == "float32"
    assert out["shape"] == [1, 22, 2100]
    np.testing.assert_allclose(decode_tensor(out), reference, atol=ATOL, rtol=RTOL)


def affine_ok(server: Server, model_id: str = "aff") -> None:
    """A good request still succeeds (after an error)."""
    x = np.array([[1.0, -2.0, 0.5]], dtype=np.float32)
    response = server.post("/inference", json={"model_id": model_id, "input_data": b64(x)})
    assert response.status_code == 200, response.text[:500]
    np.testing.assert_array_equal(outputs_by_name(response.json())["y"], 2 * x + 1)


def tensors(described: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """name/dtype/shape of each input or output description."""
    return [{k: t[k] for k in ("name", "dtype", "shape")} for t in described]


def counters4(counters: dict[str, int]) -> dict[str, int]:
    return {k: counters[k] for k in ("requests", "succeeded", "failed", "in_flight")}


def post_raw(server: Server, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POSTs by hand so that an answer sent before the whole body was read (413) is still seen."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        try:
            connection.request("POST", path, body=body, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def assert_raw_error(status: int, body: bytes, expected: int) -> None:
    assert status == expected, body[:300]
    error = json.loads(body)["error"]
    assert error["code"] and error["message"], error


def model_counters(server: Server, model_id: str) -> dict[str, int]:
    response = server.get(f"/models/{model_id}")
    assert response.status_code == 200, response.text[:500]
    return response.json()["counters"]


# ---------------------------------------------------------------------------------------------
# Inference on the demo model


def test_seed_python_example(server: Server, demo_session: onnxruntime.InferenceSession) -> None:
    url = server.url
    # --- as a client would write it ---
    r = requests.post(f"{url}/models/load", json={"model_path": "nudenet-320n.onnx", "model_id": "demo"})
    assert r.status_code in (200, 201), r.text
    assert r.json()["model_id"] == "demo"
    x = np.random.default_rng(0).random((1, 3, 320, 320), dtype=np.float32)
    r = requests.post(
        f"{url}/inference",
        json={"model_id": "demo", "input_data": base64.b64encode(x.tobytes()).decode()},
    )
    assert r.status_code == 200, r.text[:500]
    result = r.json()
    out = result["outputs"][0]
    y = np.frombuffer(base64.b64decode(out["data"]), dtype=out["dtype"]).reshape(out["shape"])
    # --- checks ---
    (expected,) = demo_session.run(None, {"images": x})
    assert result["model_id"] == "demo"
    assert out["dtype"] == "float32" and out["shape"] == [1, 22, 2100]
    np.testing.assert_allclose(y, expected, atol=ATOL, rtol=RTOL)
    assert_timing(result["timing"])


def test_demo_list_output(server: Server, demo: str, demo_session: onnxruntime.InferenceSession) -> None:
    x = demo_input(1)
    (expected,) = demo_session.run(None, {"images": x})
    r = server.post("/inference", json={"model_id": demo, "input_data": b64(x), "output_format": "list"})
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    data = body["outputs"][0]["data"]
    assert isinstance(data, list) and len(data) == 1 and len(data[0]) == 22 and len(data[0][0]) == 2100
    assert_demo_output(body, expected)


def test_demo_octet_stream_body(server: Server, demo: str, demo_session: onnxruntime.InferenceSession) -> None:
    x = demo_input(2)
    (expected,) = demo_session.run(None, {"images": x})
    path = f"/inference?model_id={demo}&shape=1,3,320,320"
    headers = {"Content-Type": "application/octet-stream"}

    r = server.post(path, data=x.tobytes(), headers=headers)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].startswith("application/json")
    assert_demo_output(r.json(), expected)
    assert_timing(r.json()["timing"])

    r = server.post(path, data=x.tobytes(), headers={**headers, "Accept": "application/octet-stream"})
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].startswith("application/octet-stream")
    assert r.headers["X-Tensor-Name"] == "output0"
    assert r.headers["X-Tensor-Dtype"] == "float32"
    assert r.headers["X-Tensor-Shape"].replace(" ", "") == "1,22,2100"
    assert len(r.content) == 22 * 2100 * 4
    y = np.frombuffer(r.content, dtype="<f4").reshape(1, 22, 2100)
    np.testing.assert_allclose(y, expected, atol=ATOL, rtol=RTOL)

    # Wrong byte count for the given shape.
    r = server.post(path, data=x.tobytes()[:-4], headers=headers)
    assert_error(r, 422, "shape_mismatch")


def test_concurrent_requests(server: Server, demo: str, demo_session: onnxruntime.InferenceSession) -> None:
    inputs = [demo_input(10 + i) for i in range(6)]

    def call(x: np.ndarray) -> requests.Response:
        return server.post("/inference", json={"model_id": demo, "input_data": b64(x)})

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(call, inputs))
    for x, r in zip(inputs, responses):
        assert r.status_code == 200, r.text[:500]
        (expected,) = demo_session.run(None, {"images": x})
        assert_demo_output(r.json(), expected)


# ---------------------------------------------------------------------------------------------
# Other models and dtypes


def test_multi_input_model(server: Server) -> None:
    # model_id defaults to the file name without extension
    model = server.load("two_inputs.onnx")
    assert model["model_id"] == "two_inputs"
    a = np.arange(8, dtype=np.float32).reshape(2, 4) - 3.5
    b = np.linspace(-2, 2, 8, dtype=np.float32).reshape(2, 4)
    r = server.post("/inference", json={"model_id": "two_inputs", "inputs": {
        "a": {"data": b64(a), "dtype": "float32", "shape": [2, 4]},
        "b": {"data": b64(b), "shape": [2, 4]},
    }})
    assert r.status_code == 200, r.text[:500]
    outs = outputs_by_name(r.json())
    assert set(outs) == {"sum", "prod"}
    np.testing.assert_array_equal(outs["sum"], a + b)
    np.testing.assert_array_equal(outs["prod"], a * b)

    # No shapes: the one dynamic dimension (batch) comes from the byte count; `outputs` selects.
    a3 = np.arange(12, dtype=np.float32).reshape(3, 4)
    r = server.post("/inference", json={"model_id": "two_inputs", "outputs": ["prod"], "inputs": {
        "a": {"data": b64(a3)}, "b": {"data": b64(a3)},
    }})
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert [o["name"] for o in body["outputs"]] == ["prod"]
    assert body["outputs"][0]["shape"] == [3, 4]
    np.testing.assert_array_equal(decode_tensor(body["outputs"][0]), a3 * a3)

    # input_data is for single-input models only; a missing input is refused.
    r = server.post("/inference", json={"model_id": "two_inputs", "inputs": {"a": {"data": b64(a)}}})
    assert 400 <= r.status_code < 500
    assert_error(r, r.status_code)


def test_dtypes_exact(server: Server) -> None:
    server.load("types.onnx", "types")
    i8 = np.array([[-128, -7], [0, 127]], dtype=np.int8)
    u8 = np.array([[0, 1], [200, 255]], dtype=np.uint8)
    f16 = np.array([[0.5, -1.25], [3.0, 1000.0]], dtype=np.float16)
    i64 = np.array([-(2**40), -1, 0, 7, 2**40], dtype=np.int64)
    inputs = {
        "i8": {"data": b64(i8), "dtype": "int8"},
        "u8": {"data": b64(u8), "dtype": "uint8", "shape": [2, 2]},
        "f16": {"data": b64(f16), "dtype": "float16"},
        "i64": {"data": b64(i64)},  # dynamic n inferred from 40 bytes
    }
    with np.errstate(over="ignore"):
        expected = {"i8_out": -i8, "u8_out": u8, "f16_out": f16 * np.float16(2), "i64_out": i64 * 3}
    dtypes = {"i8_out": "int8", "u8_out": "uint8", "f16_out": "float16", "i64_out": "int64"}

    for output_format in ("base64", "list"):
        r = server.post("/inference", json={"model_id": "types", "inputs": inputs, "output_format": output_format})
        assert r.status_code == 200, r.text[:500]
        outs = {o["name"]: o for o in r.json()["outputs"]}
        assert set(outs) == set(expected)
        for name, value in expected.items():
            assert outs[name]["dtype"] == dtypes[name]
            assert outs[name]["shape"] == list(value.shape)
            got = decode_tensor(outs[name])
            assert got.dtype == value.dtype
            np.testing.assert_array_equal(got, value)

    # A dtype that is not the model's: no conversion.
    r = server.post("/inference", json={"model_id": "types", "inputs": {
        **inputs, "i64": {"data": b64(i64.astype(np.int32)), "dtype": "int32"}}})
    assert_error(r, 422, "dtype_mismatch")


# ---------------------------------------------------------------------------------------------
# Model registry


def test_models_listing_and_counters(server: Server, demo: str) -> None:
    model = server.load("affine.onnx", "aff-list")
    assert model["model_id"] == "aff-list"
    assert model["device"] == "cpu"
    assert model["state"] == "ready"
    assert model["format"] == "onnx"
    assert model["source"] == "affine.onnx"
    assert tensors(model["inputs"]) == [{"name": "x", "dtype": "float32", "shape": [-1, 3]}]
    assert tensors(model["outputs"]) == [{"name": "y", "dtype": "float32", "shape": [-1, 3]}]
    assert model["metadata"]["purpose"] == "test"
    assert model["labels"] == ["cat", "dog"]  # from the Ultralytics-style `names` metadata
    assert counters4(model["counters"]) == {"requests": 0, "succeeded": 0, "failed": 0, "in_flight": 0}

    listed = server.get("/models")
    assert listed.status_code == 200
    by_id = {m["model_id"]: m for m in listed.json()["models"]}
    assert {"aff", "aff-list", demo} <= set(by_id)
    images = tensors(by_id[demo]["inputs"])
    assert images == [{"name": "images", "dtype": "float32", "shape": [-1, 3, -1, -1]}]
    assert by_id[demo]["outputs"][0]["name"] == "output0"
    assert by_id[demo]["outputs"][0]["shape"][:2] == [-1, 22]
    assert by_id[demo]["default_input_shapes"] == {"images": [1, 3, 320, 320]}
    assert len(by_id[demo]["labels"]) == 18 and by_id[demo]["labels"][0] == "FEMALE_GENITALIA_COVERED"
    assert by_id[demo]["metadata"]["imgsz"] == "[320, 320]"

    for _ in range(2):
        affine_ok(server, "aff-list")
    counters = model_counters(server, "aff-list")
    assert counters["requests"] == 2 and counters["succeeded"] == 2
    assert counters["failed"] == 0 and counters["in_flight"] == 0


def test_load_idempotent_and_conflict(server: Server) -> None:
    first = server.post("/models/load", json={"model_path": "affine.onnx", "model_id": "idem"})
    assert first.status_code == 201, first.text
    again = server.post("/models/load", json={"model_path": "affine.onnx", "model_id": "idem"})
    assert again.status_code == 200, again.text
    assert again.json()["model_id"] == "idem" and again.json()["inputs"] == first.json()["inputs"]
    conflict = server.post("/models/load", json={"model_path": "two_inputs.onnx", "model_id": "idem"})
    assert_error(conflict, 409, "model_id_conflict")
    affine_ok(server, "idem")


def test_delete_model(server: Server) -> None:
    server.load("affine.onnx", "del-me")
    affine_ok(server, "del-me")
    r = server.delete("/models/del-me")
    assert r.status_code == 200, r.text
    assert r.json()["model_id"] == "del-me" and r.json()["state"] == "unloaded"
    assert_error(server.get("/models/del-me"), 404, "model_not_found")
    x = np.zeros((1, 3), dtype=np.float32)
    assert_error(server.post("/inference", json={"model_id": "del-me", "input_data": b64(x)}), 404, "model_not_found")
    assert "del-me" not in {m["model_id"] for m in server.get("/models").json()["models"]}
    assert_error(server.delete("/models/del-me"), 404, "model_not_found")
    # and it can be loaded again
    server.load("affine.onnx", "del-me")
    affine_ok(server, "del-me")


# ---------------------------------------------------------------------------------------------
# Batch and async


def test_batch_with_one_bad_item(server: Server, demo: str, demo_session: onnxruntime.InferenceSession) -> None:
    x0, x2 = demo_input(20), demo_input(22)
    items = [
        {"input_data": b64(x0)},
        {"input_data": b64(x0.reshape(-1)[:-3])},  # three floats short
        {"inputs": {"images": {"data": b64(x2)}}},
    ]
    r = server.post("/inference/batch", json={"model_id": demo, "items": items})
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert body["model_id"] == demo
    assert body["succeeded"] == 2 and body["failed"] == 1
    results = body["results"]
    assert [res["index"] for res in results] == [0, 1, 2]
    assert results[1]["status"] == "failed"
    assert results[1]["error"]["code"] == "shape_mismatch" and results[1]["error"]["message"]
    for index, x in ((0, x0), (2, x2)):
        assert results[index]["status"] == "succeeded", results[index]
        (expected,) = demo_session.run(None, {"images": x})
        assert_demo_output(results[index], expected)
        assert_timing(results[index]["timing"])


def test_async_inference(server: Server, demo: str, demo_session: onnxruntime.InferenceSession) -> None:
    x = demo_input(30)
    (expected,) = demo_session.run(None, {"images": x})
    r = server.post("/inference", json={"model_id": demo, "input_data": b64(x), "async": True})
    assert r.status_code == 202, r.text[:500]
    accepted = r.json()
    assert isinstance(accepted["task_id"], str) and accepted["task_id"]
    assert accepted["status"] in ("queued", "running")
    task = server.wait_task(accepted["task_id"])
    assert task["status"] == "succeeded", task
    assert task["task_id"] == accepted["task_id"]
    assert task["model_id"] == demo
    assert task["kind"] == "inference"
    assert task["created_at"] and task["finished_at"]
    assert_demo_output(task["result"], expected)
    assert_timing(task["result"]["timing"])

    assert_error(server.get("/inference/no-such-task-0000"), 404, "task_not_found")

    # A failing async request: the task fails with the same error a sync request would get.
    r = server.post("/inference", json={"model_id": demo, "input_data": b64(x.reshape(-1)[:-1]), "async": True})
    if r.status_code == 202:
        task = server.wait_task(r.json()["task_id"])
        assert task["status"] == "failed" and task["error"]["code"] == "shape_mismatch", task
    else:  # validated before queueing
        assert_error(r, 422, "shape_mismatch")


def test_async_batch(server: Server, demo: str, demo_session: onnxruntime.InferenceSession) -> None:
    xs = [demo_input(40), demo_input(41)]
    r = server.post("/inference/batch", json={
        "model_id": demo, "async": True, "items": [{"input_data": b64(x)} for x in xs],
    })
    assert r.status_code == 202, r.text[:500]
    task = server.wait_task(r.json()["task_id"])
    assert task["status"] == "succeeded", task
    result = task["result"]
    assert result["succeeded"] == 2 and result["failed"] == 0
    for res, x in zip(result["results"], xs):
        (expected,) = demo_session.run(None, {"images": x})
        assert_demo_output(res, expected)


# ---------------------------------------------------------------------------------------------
# Errors


def test_request_errors(server: Server) -> None:
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)

    r = server.post("/inference", data=b'{"model_id": "aff", "input_data": ', headers={"Content-Type": "application/json"})
    assert_error(r, 400)
    affine_ok(server)

    assert_error(server.post("/inference", json={"input_data": b64(x)}), 400)
    affine_ok(server)

    assert_error(server.post("/inference", json={"model_id": "no-such-model", "input_data": b64(x)}), 404, "model_not_found")
    affine_ok(server)

    r = server.post("/inference", json={"model_id": "aff", "input_data": b64(x.astype(np.float64)), "dtype": "float64"})
    assert_error(r, 422, "dtype_mismatch")
    affine_ok(server)

    # 8 bytes: not a whole number of [batch, 3] float32 rows
    assert_error(server.post("/inference", json={"model_id": "aff", "input_data": b64(x.reshape(-1)[:2])}), 422, "shape_mismatch")
    # explicit shape that the byte count does not match
    assert_error(server.post("/inference", json={"model_id": "aff", "input_data": b64(x), "shape": [2, 3]}), 422, "shape_mismatch")
    # explicit shape that disagrees with the model ([batch, 3])
    four = np.zeros((2, 4), dtype=np.float32)
    assert_error(server.post("/inference", json={"model_id": "aff", "input_data": b64(four), "shape": [2, 4]}), 422, "shape_mismatch")
    affine_ok(server)

    assert_error(server.post("/inference", json={"model_id": "aff", "input_data": "not*base64!"}), 400)
    affine_ok(server)

    assert_error(server.post("/inference", data="hello", headers={"Content-Type": "text/plain"}), 415)
    affine_ok(server)

    assert_error(server.get("/no/such/route"), 404)
    assert_error(server.delete("/models/no-such-model"), 404, "model_not_found")
    assert_error(server.get("/models/no-such-model"), 404, "model_not_found")
    affine_ok(server)


def test_load_errors(server: Server, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "affine.onnx").write_bytes((TEST_MODELS / "affine.onnx").read_bytes())

    def load(model_path: str, model_id: str = "load-err") -> requests.Response:
        return server.post("/models/load", json={"model_path": model_path, "model_id": model_id})

    assert_error(load("../outside/affine.onnx"), 400, "path_outside_models_dir")
    assert_error(load("sub/../affine.onnx"), 400, "path_outside_models_dir")
    assert_error(load(str(outside / "affine.onnx")), 400, "path_outside_models_dir")
    link = server.models_dir / "escape.onnx"
    if not link.is_symlink():
        link.symlink_to(outside / "affine.onnx")
    assert_error(load("escape.onnx"), 400, "path_outside_models_dir")
    affine_ok(server)

    assert_error(load("does-not-exist.onnx"), 404, "model_file_not_found")
    assert_error(load("bad.onnx"), 422, "model_load_failed")
    assert_error(server.post("/models/load", json={"model_id": "x"}), 400)
    assert_error(load("affine.onnx", "bad id with spaces"), 400)
    assert "load-err" not in {m["model_id"] for m in server.get("/models").json()["models"]}
    affine_ok(server)

    # An absolute path inside the models root is fine.
    r = load(str(server.models_dir / "affine.onnx"), "abs-inside")
    assert r.status_code == 201, r.text
    affine_ok(server, "abs-inside")


def test_body_size_limit(start_server: StartServer) -> None:
    limited = start_server(args=["--max-body-size", "4194304", "--preload", "aff=affine.onnx"])
    body = json.dumps({"model_id": "aff", "input_data": "A" * (5 * 1024 * 1024)}).encode()
    status, text = post_raw(limited, "/inference", body, {"Content-Type": "application/json"})
    assert_raw_error(status, text, 413)
    # A body under the limit (the demo-sized 1.6 MB request) is served.
    affine_ok(limited)
    x = demo_input(50)
    limited.load("nudenet-320n.onnx", "demo")
    r = limited.post("/inference", json={"model_id": "demo", "input_data": b64(x)})
    assert r.status_code == 200, r.text[:300]


# ---------------------------------------------------------------------------------------------
# Uploads


def test_upload_models(server: Server) -> None:
    model_bytes = (TEST_MODELS / "affine.onnx").read_bytes()
    r = server.post("/models/load", files={"file": ("affine.onnx", model_bytes)}, data={"model_id": "up1"})
    assert r.status_code == 201, r.text[:500]
    assert r.json()["model_id"] == "up1" and r.json()["format"] == "onnx"
    affine_ok(server, "up1")

    r = server.post("/models/load?model_id=up2", data=model_bytes,
                    headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 201, r.text[:500]
    assert r.json()["model_id"] == "up2"
    affine_ok(server, "up2")

    uploads = server.data_dir / "uploads"
    assert uploads.is_dir() and any(p.is_file() for p in uploads.rglob("*")), "uploads not kept"

    # model_id is required for octet-stream uploads; garbage bytes are rejected by the runtime.
    r = server.post("/models/load", data=model_bytes, headers={"Content-Type": "application/octet-stream"})
    assert_error(r, 400)
    kept = sorted(p.name for p in uploads.iterdir())
    r = server.post("/models/load?model_id=up-bad", data=(TEST_MODELS / "bad.onnx").read_bytes(),
                    headers={"Content-Type": "application/octet-stream"})
    assert_error(r, 422, "model_load_failed")
    r = server.post("/models/load", files={"file": ("notes.txt", b"not a model")}, data={"model_id": "txt"})
    assert_error(r, 422, "unsupported_model")
    # Refused uploads leave nothing behind.
    assert sorted(p.name for p in uploads.iterdir()) == kept
    affine_ok(server)


# ---------------------------------------------------------------------------------------------
# Configuration


def test_api_keys(start_server: StartServer) -> None:
    s = start_server(args=["--api-key", "secret", "--api-key", "other", "--preload", "aff=affine.onnx"])
    health = s.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert_error(s.get("/models"), 401, "unauthorized")
    assert_error(s.get("/models", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")
    assert_error(s.get("/models", headers={"X-API-Key": "wrong"}), 401, "unauthorized")
    x = np.zeros((1, 3), dtype=np.float32)
    assert_error(s.post("/inference", json={"model_id": "aff", "input_data": b64(x)}), 401, "unauthorized")
    assert s.get("/models", headers={"Authorization": "Bearer secret"}).status_code == 200
    assert s.get("/models", headers={"X-API-Key": "secret"}).status_code == 200
    assert s.get("/models", headers={"X-API-Key": "other"}).status_code == 200
    r = s.post("/inference", json={"model_id": "aff", "input_data": b64(x)}, headers={"X-API-Key": "secret"})
    assert r.status_code == 200, r.text


def test_environment_configuration(start_server: StartServer) -> None:
    """HAILO8_* variables stand in for the flags (library path, keys, preload, body limit)."""
    s = start_server(
        onnxruntime_flag=False,
        env={
            "HAILO8_ONNXRUNTIME_LIBRARY": onnxruntime_library(),
            "HAILO8_API_KEYS": "k1,k2",
            "HAILO8_PRELOAD": "aff=affine.onnx,two=two_inputs.onnx",
            "HAILO8_MAX_BODY_SIZE": "1M",
        },
    )
    assert_error(s.get("/models"), 401, "unauthorized")
    r = s.get("/models", headers={"X-API-Key": "k2"})
    assert r.status_code == 200, r.text
    assert {"aff", "two"} <= {m["model_id"] for m in r.json()["models"]}
    status, body = post_raw(s, "/inference?model_id=aff", b"\0" * (2 * 1024 * 1024),
                            {"X-API-Key": "k1", "Content-Type": "application/octet-stream"})
    assert_raw_error(status, body, 413)


def test_finds_onnxruntime_in_venv(start_server: StartServer) -> None:
    """Without flag or variable, the binary finds the library in the project's .venv (the way
    scripts/serve.sh runs it, from the repository root)."""
    s = start_server(onnxruntime_flag=False, cwd=REPO_ROOT, args=["--preload", "aff=affine.onnx"])
    health = s.get("/health").json()
    assert health["backends"]["cpu"]["available"] is True, health
    affine_ok(s)


# ---------------------------------------------------------------------------------------------
# Persistence across restarts


def test_restart_persistence(start_server: StartServer, demo_session: onnxruntime.InferenceSession) -> None:
    first = start_server()
    root = first.root
    first.load("nudenet-320n.onnx", "demo")
    r = first.post("/models/load?model_id=uploaded", data=(TEST_MODELS / "affine.onnx").read_bytes(),
                   headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 201, r.text
    assert (first.data_dir / "models.json").is_file()
    assert first.stop() == 0, f"SIGTERM did not stop the service cleanly:\n{first.log_tail()}"

    # An upload cut short by a kill (an atomic write's temporary file, never recorded).
    stray = first.data_dir / "uploads" / ".affine.onnx.tmp-cut-short"
    stray.write_bytes(b"half a model")
    second = start_server(root=root, populate=False)
    listed = {m["model_id"] for m in second.get("/models").json()["models"]}
    assert {"demo", "uploaded"} <= listed, listed
    assert not stray.exists(), "an unrecorded upload was kept at start"
    x = demo_input(60)
    (expected,) = demo_session.run(None, {"images": x})
    r = second.post("/inference", json={"model_id": "demo", "input_data": b64(x)})
    assert r.status_code == 200, r.text[:300]
    assert_demo_output(r.json(), expected)
    affine_ok(second, "uploaded")
    r = second.delete("/models/uploaded")
    assert r.status_code == 200, r.text
    second.stop()

    third = start_server(root=root, populate=False)
    listed = {m["model_id"] for m in third.get("/models").json()["models"]}
    assert "uploaded" not in listed and "demo" in listed, listed
    third.stop()

    # A recorded model whose file is missing at start is listed as failed, and loads by itself
    # once the file is back, while the service runs.
    model_file = third.models_dir / "nudenet-320n.onnx"
    aside = model_file.with_suffix(".aside")
    model_file.rename(aside)
    fourth = start_server(root=root, populate=False)
    demo_model = fourth.get("/models/demo").json()
    assert demo_model["state"] == "failed", demo_model
    assert_error(fourth.post("/inference", json={"model_id": "demo", "input_data": b64(x)}), 503, "model_not_ready")
    aside.rename(model_file)
    deadline = time.monotonic() + 30
    while fourth.get("/models/demo").json()["state"] != "ready":
        assert time.monotonic() < deadline, fourth.log_tail()
        time.sleep(0.25)
    r = fourth.post("/inference", json={"model_id": "demo", "input_data": b64(x)})
    assert r.status_code == 200, r.text[:300]
    fourth.stop()


def test_missing_onnxruntime_library(start_server: StartServer) -> None:
    """Without ONNX Runtime the service still starts, says why in /health and /devices, refuses
    loads with 503, and keeps a recorded model listed as failed (it comes back with the library)."""
    first = start_server(args=["--preload", "aff=affine.onnx"])
    root = first.root
    assert first.stop() == 0

    missing = "/nonexistent/libonnxruntime.so.1"
    s = start_server(root=root, populate=False, onnxruntime_flag=False, healthy=False,
                     args=["--onnxruntime-library", missing])
    health = s.get("/health")
    assert health.status_code == 503, health.text
    cpu = health.json()["backends"]["cpu"]
    # /health is open to anyone: it names the file, not the folder; /devices has the path.
    assert cpu["available"] is False and "libonnxruntime.so.1" in cpu["reason"] and "/nonexistent" not in cpu["reason"], cpu
    devices = s.get("/devices").json()["devices"]
    assert devices[0]["kind"] == "cpu" and devices[0]["available"] is False and missing in devices[0]["reason"]
    assert_error(s.post("/models/load", json={"model_path": "two_inputs.onnx"}), 503, "backend_unavailable")
    models = {m["model_id"]: m for m in s.get("/models").json()["models"]}
    assert models["aff"]["state"] == "failed" and models["aff"]["error"], models
    x = np.zeros((1, 3), dtype=np.float32)
    assert_error(s.post("/inference", json={"model_id": "aff", "input_data": b64(x)}), 503, "model_not_ready")
    assert s.stop() == 0

    again = start_server(root=root, populate=False)
    affine_ok(again, "aff")
    again.stop()


# ---------------------------------------------------------------------------------------------
# Deadlines


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def test_deadline_terminates_run(start_server: StartServer, test_model_session) -> None:
    s = start_server(args=["--request-timeout-ms", "1500"])
    s.load("slow.onnx", "slow")
    x = np.random.default_rng(0).random((256, 256), dtype=np.float32)
    long_run = np.array(make_test_models.ITERATIONS_LONG, dtype=np.int64)

    def slow_request(iterations: np.ndarray, **extra: Any) -> requests.Response:
        return s.post("/inference", json={"model_id": "slow", "inputs": {
            "x": {"data": b64(x)},
            "iterations": {"data": b64(iterations), "dtype": "int64", "shape": []},
        }, **extra})

    start = time.monotonic()
    r = slow_request(long_run, timeout_ms=500)
    elapsed = time.monotonic() - start
    assert_error(r, 504, "deadline_exceeded")
    assert elapsed < 30, f"504 after {elapsed:.1f} s"  # unstopped, the run takes minutes

    # The default deadline (--request-timeout-ms 1500) applies without timeout_ms.
    start = time.monotonic()
    r = slow_request(long_run)
    elapsed = time.monotonic() - start
    assert_error(r, 504, "deadline_exceeded")
    assert 1.0 <= elapsed < 30, f"504 after {elapsed:.1f} s"

    # The runs were terminated, not left running: nothing in flight, and the process is idle.
    deadline = time.monotonic() + 30
    while model_counters(s, "slow")["in_flight"] != 0:
        assert time.monotonic() < deadline, "slow runs still in flight 30 s after their deadline"
        time.sleep(0.1)
    time.sleep(0.5)
    before = _cpu_seconds(s.pid)
    time.sleep(1.0)
    busy = _cpu_seconds(s.pid) - before
    assert busy < 0.5, f"service used {busy:.2f} CPU seconds in 1 s after the deadline: run not terminated"

    # And a normal request is still served.
    short = np.array(make_test_models.ITERATIONS_SHORT, dtype=np.int64)
    r = slow_request(short)
    assert r.status_code == 200, r.text[:300]
    (expected,) = test_model_session("slow.onnx").run(None, {"x": x, "iterations": short})
    np.testing.assert_allclose(outputs_by_name(r.json())["y"], expected, atol=ATOL, rtol=RTOL)
    counters = model_counters(s, "slow")
    assert counters["succeeded"] >= 1 and counters["failed"] >= 2, counters


# ---------------------------------------------------------------------------------------------
# Service endpoints and subcommands


def _find_values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _find_values(item)]
    if isinstance(value, list):
        return [v for item in value for v in _find_values(item)]
    return [value]


def test_health_devices_status(server: Server, demo: str) -> None:
    affine_ok(server)
    r = server.get("/health")
    assert r.status_code == 200
    health = r.json()
    assert health["status"] == "ok"
    assert health["backends"]["cpu"]["available"] is True

    r = server.get("/devices")
    assert r.status_code == 200, r.text
    devices = r.json()["devices"]
    cpu = [d for d in devices if "cpu" in {d.get("kind"), d.get("type"), d.get("backend"), d.get("id"), d.get("device")}]
    assert len(cpu) == 1, devices
    assert EXPECTED_ORT_VERSION in _find_values(cpu[0]), cpu[0]

    # A request on demo, then its count in /status.
    x = demo_input(70)
    assert server.post("/inference", json={"model_id": demo, "input_data": b64(x)}).status_code == 200
    r = server.get("/status")
    assert r.status_code == 200, r.text
    status = r.json()
    uptime = [v for k, v in status.items() if k.startswith("uptime")]
    assert uptime and isinstance(uptime[0], (int, float)) and uptime[0] > 0, status
    models = status["models"]
    entry = models[demo] if isinstance(models, dict) else next(m for m in models if m.get("model_id") == demo)
    requests_count = entry.get("counters", entry)["requests"]
    assert requests_count >= 1, entry


def test_devices_and_inspect_subcommands() -> None:
    require_artifacts()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILO8_")}
    env["HAILO8_ONNXRUNTIME_LIBRARY"] = onnxruntime_library()
    devices = subprocess.run([str(BINARY), "devices"], env=env, capture_output=True, text=True, timeout=60)
    assert devices.returncode == 0, devices.stderr
    assert "cpu" in devices.stdout.lower() and EXPECTED_ORT_VERSION in devices.stdout, devices.stdout

    inspect = subprocess.run([str(BINARY), "inspect", str(TEST_MODELS / "two_inputs.onnx")],
                             env=env, capture_output=True, text=True, timeout=60)
    assert inspect.returncode == 0, inspect.stderr
    for word in ("sum", "prod", "float32"):
        assert word in inspect.stdout, inspect.stdout

    bad = subprocess.run([str(BINARY), "inspect", str(TEST_MODELS / "bad.onnx")],
                         env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0, bad.stdout


def test_json_sent_as_a_curl_form_body_is_accepted(server: Server) -> None:
    """`curl -d '{...}'` labels JSON as a form; the service reads it as the JSON it is."""
    x = np.array([[1, 2, 3]], dtype=np.float32)
    body = json.dumps({"model_id": "aff", "input_data": b64(x)})
    r = server.post("/inference", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    np.testing.assert_array_equal(
        np.frombuffer(base64.b64decode(r.json()["outputs"][0]["data"]), dtype=np.float32), [3, 5, 7])
    assert_error(server.post("/inference", data="model_id=aff", headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)


def test_expect_100_continue_is_answered(server: Server) -> None:
    """A client that asks `Expect: 100-continue` (curl does for bodies over 1 MB) is told to go on
    at once, then answered as usual; it does not have to wait out its own timeout first."""
    import socket

    body = json.dumps({"model_id": "aff", "input_data": b64(np.array([[1, 2, 3]], dtype=np.float32))}).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as client:
        client.sendall(b"POST /inference HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                       b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
        interim = b""
        while b"\r\n\r\n" not in interim:
            chunk = client.recv(4096)
            assert chunk, "connection closed before 100 Continue"
            interim += chunk
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
        client.sendall(body)
        answer = interim.split(b"\r\n\r\n", 1)[1]
        while b"\r\n\r\n" not in answer:
            answer += client.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:200]


def test_deadline_counts_from_when_the_request_arrived(server: Server) -> None:
    """`timeout_ms` counts from the request's head, as the client's clock does: a body that takes
    longer than the deadline to arrive is answered 504 without running."""
    import socket

    body = json.dumps({"model_id": "aff", "timeout_ms": 1000,
                       "input_data": b64(np.array([[1, 2, 3]], dtype=np.float32))}).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as client:
        client.sendall(b"POST /inference HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                       b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
        time.sleep(2.0)
        client.sendall(body[10:])
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = client.recv(65536)
            assert chunk, answer
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 504 "), answer[:300]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "deadline_exceeded"
    # The same request sent at once is served.
    r = server.post("/inference", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text


def test_models_file_loads_models_at_start_with_their_options(start_server: StartServer, tmp_path: Path) -> None:
    """`--config FILE` names models to load at start with the options of POST /models/load
    (dynamic batching included); a file with an unknown setting stops the start with a message."""
    config = tmp_path / "models.yaml"
    config.write_text(
        "models:\n"
        "  - model_id: batched\n"
        "    model_path: affine.onnx\n"
        "    labels: [a, b]\n"
        "    options:\n"
        "      max_batch_size: 8\n"
        "      max_queue_delay_us: 1000\n"
        "      max_queue: 5\n"
        "  - model_path: two_inputs.onnx\n")
    server = start_server(args=["--config", str(config)])
    batched = server.get("/models/batched").json()
    assert batched["state"] == "ready" and batched["labels"] == ["a", "b"], batched
    assert batched["options"]["max_batch_size"] == 8 and batched["options"]["max_queue_delay_us"] == 1000, batched
    assert server.get("/models/two_inputs").json()["state"] == "ready"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: server.post("/inference", json={
            "model_id": "batched", "input_data": b64(np.array([[1, 2, 3]], dtype=np.float32))}), range(16)))
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200]
    server.stop()

    config.write_text("models:\n  - model_path: affine.onnx\n    options: {max_batch_sise: 8}\n")
    refused = subprocess.run([str(BINARY), "serve", "--port", "0", "--config", str(config), "--models-dir", str(tmp_path),
                              "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "unknown key 'models[0].options.max_batch_sise'" in refused.stderr, refused.stderr

    # Vision options that cannot work are refused when the model loads, here at start.
    (tmp_path / "affine.onnx").write_bytes((TEST_MODELS / "affine.onnx").read_bytes())
    config.write_text("models:\n  - model_path: affine.onnx\n    options: {postprocess: yolov9}\n")
    refused = subprocess.run([str(BINARY), "serve", "--port", "0", "--config", str(config), "--models-dir", str(tmp_path),
                              "--data-dir", str(tmp_path / "data2")], capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "options.postprocess must be one of" in refused.stderr and "yolov9" in refused.stderr, refused.stderr
