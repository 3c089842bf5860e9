"""The KServe v2 gRPC service (inference.GRPCInferenceService on --grpc-port), driven by an
unmodified tritonclient.grpc against the release binary: health, metadata, config, statistics,
infer with raw contents (each output equal to onnxruntime's own result), repository load and
unload, streaming infer with several requests in flight, and the errors' status codes."""

from __future__ import annotations

import json
import queue
import time

import numpy as np
import onnxruntime
import pytest
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

import make_test_models
from conftest import DEMO_MODEL, IMAGES, Server, StartServer, demo_input


@pytest.fixture(scope="module")
def gserver(start_server: StartServer) -> Server:
    # `auto`: a port of the system's choosing, read from the port file as the HTTP one is.
    return start_server(args=["--grpc-port", "auto"])


@pytest.fixture(scope="module")
def client(gserver: Server) -> grpcclient.InferenceServerClient:
    c = grpcclient.InferenceServerClient(url=f"127.0.0.1:{gserver.ports['grpc']}")
    yield c
    c.close()


def session(path) -> onnxruntime.InferenceSession:
    return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def test_health_and_server_metadata(client: grpcclient.InferenceServerClient) -> None:
    assert client.is_server_live() and client.is_server_ready()
    metadata = client.get_server_metadata(as_json=True)
    assert metadata["name"] == "hailo8-service" and "model_repository" in metadata["extensions"]


def test_repository_metadata_config_ready(client: grpcclient.InferenceServerClient) -> None:
    client.load_model("demo", config=json.dumps({"model_path": DEMO_MODEL.name}))
    assert client.is_model_ready("demo") and client.is_model_ready("demo", "1")
    assert not client.is_model_ready("demo", "2")
    metadata = client.get_model_metadata("demo", as_json=True)
    assert metadata["name"] == "demo" and metadata["versions"] == ["1"] and metadata["platform"] == "onnxruntime_onnx"
    assert metadata["inputs"][0]["datatype"] == "FP32"
    config = client.get_model_config("demo", as_json=True)["config"]
    assert config["name"] == "demo" and config["backend"] == "onnxruntime"
    assert config["input"][0]["data_type"] == "TYPE_FP32"
    index = {m["name"]: m for m in client.get_model_repository_index(as_json=True)["models"]}
    assert index["demo"]["state"] == "READY" and "affine" in index
    client.load_model("affine")
    client.unload_model("affine")
    assert not client.is_model_ready("affine")


def test_infer_raw_contents_equals_onnxruntime(client: grpcclient.InferenceServerClient) -> None:
    client.load_model("demo", config=json.dumps({"model_path": DEMO_MODEL.name}))
    x = demo_input(3)
    name = session(DEMO_MODEL).get_inputs()[0].name
    tensor = grpcclient.InferInput(name, list(x.shape), "FP32")
    tensor.set_data_from_numpy(x)
    result = client.infer("demo", [tensor], request_id="g1")
    assert result.get_response().id == "g1"
    expected = session(DEMO_MODEL).run(None, {name: x})
    for output, value in zip(session(DEMO_MODEL).get_outputs(), expected):
        np.testing.assert_allclose(result.as_numpy(output.name), value, rtol=1e-4, atol=1e-4)


def test_statistics(client: grpcclient.InferenceServerClient) -> None:
    client.load_model("affine")
    x = np.ones((1, 3), dtype=np.float32)
    tensor = grpcclient.InferInput("x", [1, 3], "FP32")
    tensor.set_data_from_numpy(x)
    before = client.get_inference_statistics("affine", as_json=True)["model_stats"][0]
    before_success = int(before.get("inference_stats", {}).get("success", {}).get("count", 0))
    for _ in range(2):
        np.testing.assert_array_equal(client.infer("affine", [tensor]).as_numpy("y"), 2 * x + 1)
    stats = client.get_inference_statistics("affine", as_json=True)["model_stats"][0]
    infer = stats["inference_stats"]
    assert int(infer["success"]["count"]) == before_success + 2
    assert infer["compute_input"]["count"] == infer["compute_infer"]["count"] == infer["compute_output"]["count"]
    assert int(stats["execution_count"]) >= 2 and stats["batch_stats"]
    assert "affine" in [m["name"] for m in client.get_inference_statistics(as_json=True)["model_stats"]]


def test_streaming_several_in_flight(client: grpcclient.InferenceServerClient) -> None:
    client.load_model("affine")
    answers: queue.Queue = queue.Queue()
    client.start_stream(callback=lambda result, error: answers.put((result, error)))
    try:
        for i in range(6):
            x = np.full((1, 3), i, dtype=np.float32)
            tensor = grpcclient.InferInput("x", [1, 3], "FP32")
            tensor.set_data_from_numpy(x)
            client.async_stream_infer("affine", [tensor], request_id=str(i))
        got = {}
        for _ in range(6):
            result, error = answers.get(timeout=30)
            assert error is None, error
            got[result.get_response().id] = result.as_numpy("y")
        for i in range(6):
            np.testing.assert_array_equal(got[str(i)], np.full((1, 3), 2 * i + 1, dtype=np.float32))
    finally:
        client.stop_stream()


def status_of(call) -> str:
    with pytest.raises(InferenceServerException) as raised:
        call()
    return raised.value.status()


def test_errors_have_tritons_status_codes(client: grpcclient.InferenceServerClient) -> None:
    client.load_model("affine")
    assert status_of(lambda: client.get_model_metadata("missing")) == "StatusCode.NOT_FOUND"
    wrong = grpcclient.InferInput("x", [1, 3], "FP64")
    wrong.set_data_from_numpy(np.ones((1, 3), dtype=np.float64))
    assert status_of(lambda: client.infer("affine", [wrong])) == "StatusCode.INVALID_ARGUMENT"
    shape = grpcclient.InferInput("x", [1, 4], "FP32")
    shape.set_data_from_numpy(np.ones((1, 4), dtype=np.float32))
    assert status_of(lambda: client.infer("affine", [shape])) == "StatusCode.INVALID_ARGUMENT"
    x = grpcclient.InferInput("x", [1, 3], "FP32")
    x.set_data_from_numpy(np.ones((1, 3), dtype=np.float32))
    assert status_of(lambda: client.infer("missing", [x])) == "StatusCode.NOT_FOUND"
    # slow.onnx with ITERATIONS_LONG runs for seconds: the client's gRPC deadline (grpc-timeout)
    # is the request's deadline on the server, which ends the run and answers DEADLINE_EXCEEDED;
    # the request's own timeout parameter (µs, as Triton's) does the same.
    client.load_model("slow")
    inputs = [grpcclient.InferInput("x", [256, 256], "FP32"), grpcclient.InferInput("iterations", [], "INT64")]
    inputs[0].set_data_from_numpy(np.ones((256, 256), dtype=np.float32))
    inputs[1].set_data_from_numpy(np.array(make_test_models.ITERATIONS_LONG, dtype=np.int64))
    started = time.monotonic()
    assert status_of(lambda: client.infer("slow", inputs, client_timeout=0.3)) == "StatusCode.DEADLINE_EXCEEDED"
    assert status_of(lambda: client.infer("slow", inputs, timeout=300_000)) == "StatusCode.DEADLINE_EXCEEDED"
    assert time.monotonic() - started < 10
    # The server stopped the runs: a short one is answered at once afterwards.
    inputs[1].set_data_from_numpy(np.array(make_test_models.ITERATIONS_SHORT, dtype=np.int64))
    assert client.infer("slow", inputs).as_numpy("y").shape == (256, 256)


def test_api_key_metadata(start_server: StartServer) -> None:
    port = start_server(args=["--grpc-port", "auto", "--api-key", "k1"]).ports["grpc"]
    keyless = grpcclient.InferenceServerClient(url=f"127.0.0.1:{port}")
    assert keyless.is_server_live()
    assert status_of(lambda: keyless.get_model_repository_index()) == "StatusCode.UNAUTHENTICATED"
    keyed = grpcclient.InferenceServerClient(url=f"127.0.0.1:{port}")
    assert "models" in keyed.get_model_repository_index(headers={"x-api-key": "k1"}, as_json=True)


def test_aio_client_and_metrics(gserver: Server) -> None:
    """tritonclient.grpc.aio works the same; RPCs are counted with route grpc in /metrics."""
    import asyncio

    import tritonclient.grpc.aio as aioclient

    async def run() -> None:
        client = aioclient.InferenceServerClient(url=f"127.0.0.1:{gserver.ports['grpc']}")
        try:
            assert await client.is_server_ready()
            await client.load_model("affine")
            tensors = []
            for i in range(4):
                tensor = aioclient.InferInput("x", [1, 3], "FP32")
                tensor.set_data_from_numpy(np.full((1, 3), i, dtype=np.float32))
                tensors.append(tensor)
            results = await asyncio.gather(*(client.infer("affine", [t]) for t in tensors))
            for i, result in enumerate(results):
                np.testing.assert_array_equal(result.as_numpy("y"), np.full((1, 3), 2 * i + 1, dtype=np.float32))
        finally:
            await client.close()

    asyncio.run(run())
    metrics = gserver.get("/metrics").text
    assert 'route="grpc"' in metrics and 'method="ModelInfer"' in metrics


def test_images_as_bytes_give_the_native_detections(gserver: Server, client: grpcclient.InferenceServerClient) -> None:
    """Encoded images as one BYTES input to a detection model, as over REST: the same detections
    as the native route; an element that is not an image is INVALID_ARGUMENT (REST's 415)."""
    import base64
    client.load_model("demo", config=json.dumps({"model_path": DEMO_MODEL.name}))
    images = [(IMAGES / name).read_bytes() for name in ("astronaut.jpg", "coffee.png")]
    tensor = grpcclient.InferInput("images", [len(images)], "BYTES")
    tensor.set_data_from_numpy(np.array(images, dtype=np.object_))
    result = client.infer("demo", [tensor], parameters={"score_threshold": 0.25})
    boxes, scores = result.as_numpy("detection_boxes"), result.as_numpy("detection_scores")
    classes, counts = result.as_numpy("detection_classes"), result.as_numpy("num_detections")
    for index, image in enumerate(images):
        native = gserver.post("/inference", json={
            "model_id": "demo", "input_data": base64.b64encode(image).decode(), "score_threshold": 0.25}).json()
        expected = native["detections"]
        assert counts[index] == len(expected), (index, counts, expected)
        for k, detection in enumerate(expected):
            box = detection["box"]
            np.testing.assert_allclose(boxes[index, k], [box["x_min"], box["y_min"], box["x_max"], box["y_max"]], atol=0.01)
            assert scores[index, k] == pytest.approx(detection["score"], abs=1e-3)
            assert classes[index, k] == detection["class_id"]
    bad = grpcclient.InferInput("images", [1], "BYTES")
    bad.set_data_from_numpy(np.array([b"not an image"], dtype=np.object_))
    assert status_of(lambda: client.infer("demo", [bad])) == "StatusCode.INVALID_ARGUMENT"
    assert client.is_server_ready()
