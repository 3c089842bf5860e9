"""The OpenAPI document served at GET /openapi.yaml: it is a valid OpenAPI 3.1 document, every
route the service answers is in it, and the live service's answers (successes and errors, on the
native, DeepStack / CodeProject.AI, DOODS and KServe routes) match its schemas, checked by
openapi-core."""

from __future__ import annotations

import base64
import time

import numpy as np
import pytest
import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_spec_validator import validate

from conftest import IMAGES, Server, b64



@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Server:
    from conftest import populate_models

    root = tmp_path_factory.mktemp("openapi")
    populate_models(root / "models")
    server = Server(root, args=["--preload", "aff=affine.onnx", "--preload", "demo=nudenet-320n.onnx",
                                "--deepstack-model", "demo"]).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(served: Server) -> OpenAPI:
    r = served.get("/openapi.yaml")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/yaml"), r.headers
    document = yaml.safe_load(r.text)
    validate(document)
    return OpenAPI.from_dict(document)


def check(api: OpenAPI, response: requests.Response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    api.validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))


def test_every_route_is_documented(api: OpenAPI, served: Server) -> None:
    document = yaml.safe_load(served.get("/openapi.yaml").text)
    paths = set(document["paths"])
    expected = {
        "/health", "/devices", "/status", "/metrics", "/openapi.yaml",
        "/models/load", "/models", "/models/{model_id}",
        "/inference", "/inference/batch", "/inference/{task_id}",
        "/v1/vision/detection", "/v1/vision/custom/{model}", "/v1/vision/custom/list",
        "/v1/server/status/ping", "/v1/status/ping", "/detectors", "/detect", "/image",
    }
    assert expected <= paths, expected - paths
    assert any(p.startswith("/v2/models/") and p.endswith("/infer") for p in paths), sorted(paths)


def test_native_answers_match_the_document(api: OpenAPI, served: Server) -> None:
    for path in ("/health", "/devices", "/status", "/models", "/models/aff"):
        check(api, served.get(path), 200)
    check(api, served.get("/models/nope"), 404)
    check(api, served.post("/models/load", json={"model_path": "two_inputs.onnx", "model_id": "two"}), 201)
    check(api, served.post("/models/load", json={"model_path": "missing.onnx"}), 404)
    x = np.array([[1, 2, 3]], dtype=np.float32)
    check(api, served.post("/inference", json={"model_id": "aff", "input_data": b64(x)}), 200)
    check(api, served.post("/inference", json={"model_id": "aff", "input_data": b64(x), "output_format": "list"}), 200)
    check(api, served.post("/inference", json={"model_id": "aff", "input_data": b64(np.zeros(2, np.float32))}), 422)
    check(api, served.post("/inference", data="{", headers={"Content-Type": "application/json"}), 400)
    jpeg = (IMAGES / "astronaut.jpg").read_bytes()
    check(api, served.post("/inference", json={"model_id": "demo", "input_data": base64.b64encode(jpeg).decode()}), 200)
    check(api, served.post("/inference/batch", json={"model_id": "aff", "items": [
        {"input_data": b64(x)}, {"input_data": b64(np.zeros(2, np.float32))}]}), 200)
    accepted = served.post("/inference", json={"model_id": "aff", "input_data": b64(x), "async": True})
    check(api, accepted, 202)
    task = accepted.json()["task_id"]
    deadline = time.monotonic() + 30
    while (r := served.get(f"/inference/{task}")).json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    check(api, r, 200)
    check(api, served.get("/inference/unknown"), 404)
    check(api, served.delete("/models/two"), 200)


def test_deepstack_and_kserve_answers_match_the_document(api: OpenAPI, served: Server) -> None:
    jpeg = (IMAGES / "astronaut.jpg").read_bytes()
    check(api, served.post("/v1/vision/detection", files={"image": ("a.jpg", jpeg, "image/jpeg")}), 200)
    check(api, served.post("/v1/vision/custom/demo", files={"image": ("a.jpg", jpeg, "image/jpeg")}), 200)
    check(api, served.post("/v1/vision/custom/list"), 200)
    # Refusals on the detection routes are CodeProject.AI's: 200, success false, the status in code.
    check(api, served.post("/v1/vision/detection", files={"image": ("a.jpg", b"not a jpeg", "image/jpeg")}), 200)
    check(api, served.post("/v1/vision/detection", files={"image": ("a.jpg", jpeg[:2000], "image/jpeg")}), 200)
    for prefix in ("/v1/server/status", "/v1/status"):
        for route in ("ping", "version", "system-status", "modules/list"):
            check(api, served.get(f"{prefix}/{route}"), 200)
    check(api, served.get("/v1/module/list/status"), 200)
    check(api, served.get("/v2"), 200)
    check(api, served.get("/v2/models/aff"), 200)
    check(api, served.get("/v2/models/aff/config"), 200)
    check(api, served.get("/v2/models/aff/stats"), 200)
    check(api, served.post("/v2/repository/index", json={}), 200)
    body = {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 3], "data": [1, 2, 3]}]}
    check(api, served.post("/v2/models/aff/infer", json=body), 200)
    check(api, served.post("/v2/models/nope/infer", json=body), 404)


def test_doods_answers_match_the_document(api: OpenAPI, served: Server) -> None:
    jpeg = (IMAGES / "astronaut.jpg").read_bytes()
    data = base64.b64encode(jpeg).decode()
    check(api, served.get("/detectors"), 200)
    check(api, served.post("/detect", json={"data": data, "detector_name": "demo", "detect": {"*": 50}, "id": "x"}), 200)
    check(api, served.post("/detect", json={"data": data, "detector_name": "demo", "image": "jpg"}), 200)
    check(api, served.post("/image", json={"data": data, "detector_name": "demo", "detect": {"*": 50}}), 200)
    check(api, served.post("/detect", json={"data": data, "detector_name": "nope"}), 400)
    check(api, served.post("/image", json={"data": "aGVsbG8=", "detector_name": "demo"}), 400)
