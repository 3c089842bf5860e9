"""Backpressure: a model's queue is bounded, a request beyond it is refused at once (429 with
Retry-After on the native API, 503 on the KServe and DeepStack routes, as their clients expect),
and the service keeps answering."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import socket
import time
from pathlib import Path

import numpy as np
import requests

from conftest import Server, StartServer, b64

ITERATIONS = 400  # slow.onnx: about 0.15-0.6 s per run on this kind of machine


def slow_body(iterations: int = ITERATIONS) -> dict:
    x = np.random.default_rng(0).random((256, 256), dtype=np.float32)
    return {"model_id": "slow", "inputs": {"x": {"data": b64(x)},
                                           "iterations": {"data": b64(np.array(iterations, dtype=np.int64)), "shape": []}}}


def burst(server: Server, send, count: int) -> list[requests.Response]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: send(), range(count)))


def test_full_queue_is_refused_at_once_and_the_rest_are_served(start_server: StartServer) -> None:
    s = start_server()
    r = s.post("/models/load", json={"model_path": "slow.onnx", "model_id": "slow",
                                     "options": {"max_in_flight": 1, "max_queue": 2}})
    assert r.status_code == 201, r.text
    start = time.monotonic()
    answers = burst(s, lambda: s.post("/inference", json=slow_body()), 8)
    codes = sorted(a.status_code for a in answers)
    assert codes.count(200) >= 3 and codes.count(429) >= 1 and set(codes) <= {200, 429}, codes
    refused = [a for a in answers if a.status_code == 429]
    assert all(a.headers.get("Retry-After") == "1" and a.json()["error"]["code"] == "queue_full" for a in refused)
    assert time.monotonic() - start < 30
    status = s.get("/status").json()
    model = next(m for m in status["models"] if m["model_id"] == "slow")
    assert model["queue_depth"] == 0 and model["in_flight"] == 0, model

    # The KServe route reports the same refusal as Triton does: 503.
    kserve = {"inputs": [
        {"name": "x", "datatype": "FP32", "shape": [256, 256], "data": np.zeros((256, 256), dtype=np.float32).ravel().tolist()},
        {"name": "iterations", "datatype": "INT64", "shape": [], "data": [ITERATIONS]}]}
    answers = burst(s, lambda: s.post("/v2/models/slow/infer", json=kserve), 8)
    codes = sorted(a.status_code for a in answers)
    assert 200 in codes and 503 in codes and set(codes) <= {200, 503}, codes
    assert all("error" in a.json() for a in answers if a.status_code == 503)


def test_deepstack_route_answers_busy_with_503(start_server: StartServer, tmp_path: Path) -> None:
    images = Path(__file__).resolve().parents[2] / ".test-images"
    jpeg = (images / "astronaut.jpg").read_bytes()
    s = start_server(args=["--deepstack-model", "demo"])
    r = s.post("/models/load", json={"model_path": "nudenet-320n.onnx", "model_id": "demo",
                                     "options": {"max_in_flight": 1, "max_queue": 0}})
    assert r.status_code == 201, r.text
    answers = burst(s, lambda: s.post("/v1/vision/detection", files={"image": ("a.jpg", jpeg, "image/jpeg")}), 12)
    codes = sorted(a.status_code for a in answers)
    assert 200 in codes and 503 in codes and set(codes) <= {200, 503}, codes
    busy = next(a for a in answers if a.status_code == 503)
    assert busy.json()["success"] is False and busy.headers.get("Retry-After") == "1"


def test_dynamic_batching_gives_each_request_its_own_rows(start_server: StartServer) -> None:
    s = start_server()
    r = s.post("/models/load", json={"model_path": "affine.onnx", "model_id": "batched",
                                     "options": {"max_batch_size": 8, "max_in_flight": 1, "max_queue_delay_us": 2000}})
    assert r.status_code == 201, r.text

    def one(seed: int) -> bool:
        rows = 1 + seed % 3
        x = np.random.default_rng(seed).random((rows, 3), dtype=np.float32)
        answer = s.post("/inference", json={"model_id": "batched", "input_data": b64(x), "shape": [rows, 3]})
        assert answer.status_code == 200, answer.text
        out = answer.json()["outputs"][0]
        y = np.frombuffer(base64.b64decode(out["data"]), dtype=np.float32).reshape(out["shape"])
        return out["shape"] == [rows, 3] and np.allclose(y, 2 * x + 1)

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        assert all(pool.map(one, range(48)))

    # A model whose batch dimension is fixed cannot be batched: refused at load with the reason.
    r = s.post("/models/load", json={"model_path": "types.onnx", "options": {"max_batch_size": 4}})
    assert r.status_code == 422 and "dynamic first dimension" in r.json()["error"]["message"], r.text


def test_a_client_that_goes_away_leaves_the_queue_at_once(start_server: StartServer) -> None:
    """A request waiting in a model's queue is given up as soon as its client closes the
    connection (not when its deadline passes): it never runs, the queue empties while the model
    is still busy, and the request is counted as `499` and `cancelled`."""
    from test_metrics import scrape, value

    s = start_server()
    r = s.post("/models/load", json={"model_path": "slow.onnx", "model_id": "slow",
                                     "options": {"max_in_flight": 1, "max_queue": 4}})
    assert r.status_code == 201, r.text

    def model() -> dict:
        return next(m for m in s.get("/status").json()["models"] if m["model_id"] == "slow")

    def queued() -> int:
        return model()["queue_depth"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        # Holds the only run slot for several seconds.
        busy = pool.submit(lambda: s.post("/inference", json=slow_body(30 * ITERATIONS)))
        deadline = time.monotonic() + 10
        while model()["in_flight"] != 1:
            assert time.monotonic() < deadline, model()
            time.sleep(0.02)

        # A client sends a request with a long deadline, sees it queued, and goes away.
        body = json.dumps({**slow_body(), "timeout_ms": 120_000}).encode()
        client = socket.create_connection(("127.0.0.1", s.port))
        client.sendall(b"POST /inference HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                       b"Content-Length: %d\r\n\r\n" % len(body) + body)
        deadline = time.monotonic() + 10
        while queued() != 1:
            assert time.monotonic() < deadline and not busy.done(), "the request was not queued behind the slow one"
            time.sleep(0.02)
        assert model()["in_flight"] == 1, "in_flight counts run slots held, as /metrics does"
        client.close()
        closed = time.monotonic()
        while queued() != 0:
            # It leaves the queue before the slow request ends (an order, not a time).
            assert not busy.done() and time.monotonic() - closed < 60, "the vanished client's request stayed queued"
            time.sleep(0.02)
        assert not busy.done(), "the slow request ended before the check could be made; make it slower"
        assert busy.result().status_code == 200

    samples = scrape(s)
    assert value(samples, "hailo8_inference_requests_total", model="slow", outcome="cancelled") == 1
    assert value(samples, "hailo8_inference_requests_total", model="slow", outcome="succeeded") == 1
    assert value(samples, "hailo8_http_requests_total", model="slow", route="/inference", method="POST", code="499") == 1
    # The service goes on serving, the same model included.
    assert s.post("/inference", json=slow_body(10)).status_code == 200
