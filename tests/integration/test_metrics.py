"""Integration tests of the observability routes: GET /metrics read by Prometheus' own parser
from the live release binary, GET /status's last minute, and X-Request-Id over real sockets
(docs/api.md, "Metrics")."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import Server, StartServer, assert_error, b64

BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
           0.25, 0.5, 1.0, 2.5, 5.0, 10.0, math.inf]


def scrape(server: Server, **kwargs) -> dict[str, list]:
    """Every sample of the live export, by sample name, parsed as Prometheus would."""
    r = server.get("/metrics", **kwargs)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(r.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples: dict[str, list], name: str, **labels: str) -> float | None:
    found = [s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) <= 1, f"{name}{labels} matches {len(found)} series"
    return found[0] if found else None


def affine_input() -> np.ndarray:
    return np.array([[1, 2, 3]], dtype=np.float32)


def test_scrape_after_requests_counts_them_and_fills_histogram_buckets(start_server: StartServer) -> None:
    server = start_server(args=["--preload", "aff=affine.onnx"])
    before = scrape(server)
    assert value(before, "hailo8_http_requests_total", model="aff", route="/inference", code="200") is None
    for _ in range(4):
        r = server.post("/inference", json={"model_id": "aff", "input_data": b64(affine_input())})
        assert r.status_code == 200, r.text
    r = server.post("/inference?model_id=aff", data=affine_input().tobytes(),
                    headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.text
    assert_error(server.post("/inference", json={"model_id": "aff", "input_data": b64(np.zeros(2, np.float32))}),
                 422, "shape_mismatch")
    assert_error(server.post("/inference", json={"model_id": "nope", "input_data": b64(affine_input())}),
                 404, "model_not_found")

    samples = scrape(server)
    labels = {"model": "aff", "route": "/inference", "method": "POST"}
    assert value(samples, "hailo8_http_requests_total", **labels, code="200") == 5
    assert value(samples, "hailo8_http_requests_total", **labels, code="422") == 1
    assert value(samples, "hailo8_http_requests_total", model="", route="/inference", code="404") == 1
    assert not [s for s in samples["hailo8_http_requests_total"] if s.labels["model"] == "nope"]
    assert value(samples, "hailo8_inference_requests_total", model="aff", outcome="succeeded") == 5
    assert value(samples, "hailo8_inference_requests_total", model="aff", outcome="shape_mismatch") == 1

    for stage in ("queue", "inference", "total"):
        buckets = {s.labels["le"]: s.value for s in samples["hailo8_stage_duration_seconds_bucket"]
                   if s.labels["model"] == "aff" and s.labels["stage"] == stage}
        bounds = sorted(float(le) for le in buckets)
        assert bounds == BUCKETS, bounds
        counts = [buckets[le] for le in sorted(buckets, key=float)]
        assert counts == sorted(counts), f"{stage}: buckets are cumulative"
        assert counts[-1] == 5
        assert value(samples, "hailo8_stage_duration_seconds_count", model="aff", stage=stage) == 5
        assert value(samples, "hailo8_stage_duration_seconds_sum", model="aff", stage=stage) > 0
    # A 3-float affine model runs in well under 10 ms on any machine.
    inference = {s.labels["le"]: s.value for s in samples["hailo8_stage_duration_seconds_bucket"]
                 if s.labels["model"] == "aff" and s.labels["stage"] == "inference"}
    assert inference["0.01"] == 5
    assert value(samples, "hailo8_batch_size_count", model="aff") == 5
    assert value(samples, "hailo8_http_request_duration_seconds_count", **labels) == 6

    assert value(samples, "hailo8_model_queue_depth", model="aff", device="cpu") == 0
    assert value(samples, "hailo8_model_in_flight", model="aff", device="cpu") == 0
    assert value(samples, "hailo8_model_queue_capacity", model="aff", device="cpu") > 0
    assert value(samples, "hailo8_models_loaded", device="cpu") == 1
    assert value(samples, "hailo8_tasks_capacity") == 1024
    assert value(samples, "hailo8_device_state", device="cpu", kind="cpu", state="ready") == 1
    assert value(samples, "hailo8_device_state", device="cpu", kind="cpu", state="unavailable") == 0
    assert value(samples, "hailo8_device_available", device="cpu", kind="cpu") == 1

    # The scrape itself is counted, under its route.
    again = scrape(server)
    assert value(again, "hailo8_http_requests_total", model="", route="/metrics", method="GET", code="200") >= 2

    # Unloading a model takes its gauges out of the export.
    assert server.delete("/models/aff").status_code == 200
    gone = scrape(server)
    assert value(gone, "hailo8_model_queue_depth", model="aff", device="cpu") is None
    assert value(gone, "hailo8_models_loaded", device="cpu") == 0


def test_status_summarises_the_last_minute(start_server: StartServer) -> None:
    server = start_server(args=["--preload", "aff=affine.onnx"])
    for _ in range(10):
        assert server.post("/inference", json={"model_id": "aff", "input_data": b64(affine_input())}).status_code == 200
    body = server.get("/status").json()
    model = next(m for m in body["models"] if m["model_id"] == "aff")
    minute = model["last_minute"]
    assert minute["requests"] == 10 and minute["failed"] == 0
    assert 0 < minute["seconds"] <= 60
    assert math.isclose(minute["requests_per_second"], 10 / minute["seconds"], rel_tol=0.01)
    assert 0 < minute["latency_ms"]["p50"] <= minute["latency_ms"]["p99"] < 1000
    assert model["queue_depth"] == 0 and model["in_flight"] == 0
    assert any(d["id"] == "cpu" and d["state"] == "ready" for d in body["devices"])



def start_on_one_cpu(start_server: StartServer, args: list[str]) -> Server:
    """Starts a service whose CPU affinity is one CPU (it inherits the test process's)."""
    original = os.sched_getaffinity(0)
    if len(original) < 2:
        pytest.skip("needs a host with at least 2 CPUs")
    os.sched_setaffinity(0, {min(original)})
    try:
        return start_server(args=args)
    finally:
        os.sched_setaffinity(0, original)


def test_pools_follow_the_cpu_affinity_not_the_host(start_server: StartServer) -> None:
    server = start_on_one_cpu(start_server, ["--preload", "aff=affine.onnx"])
    resources = server.get("/status").json()["resources"]
    assert resources["cpus"] == 1 and resources["host_cpus"] >= 2
    # One usable CPU of a larger host: ONNX Runtime is told 1 intra-op thread, not left to count the host.
    assert resources["threads"] == {"inference": 1, "intra_op": 1, "vision": 1}
    assert resources["cgroup"] in ("v1", "v2", None)
    cpu = next(d for d in server.get("/devices").json()["devices"] if d["id"] == "cpu")
    assert cpu["details"]["cores"] == "1" and cpu["details"]["host_cores"] == str(resources["host_cpus"])
    assert cpu["details"]["intra_op_threads"] == "1" and cpu["details"]["inference_threads"] == "1"
    samples = scrape(server)
    assert value(samples, "hailo8_resource_cpus") == 1
    assert value(samples, "hailo8_resource_threads", pool="intra_op") == 1
    assert server.post("/inference", json={"model_id": "aff", "input_data": b64(affine_input())}).status_code == 200
    assert "resource limits" in server.log_tail(1_000_000)


def test_explicit_thread_flags_win_over_the_limits(start_server: StartServer) -> None:
    server = start_on_one_cpu(start_server, ["--inference-threads", "3", "--intra-op-threads", "2"])
    resources = server.get("/status").json()["resources"]
    assert resources["cpus"] == 1
    assert resources["threads"] == {"inference": 3, "intra_op": 2, "vision": 1}

def test_request_ids_are_echoed_on_every_answer(server: Server) -> None:
    r = server.get("/health", headers={"X-Request-Id": "client-id-42"})
    assert r.headers["X-Request-Id"] == "client-id-42"
    r = server.post("/inference", json={"model_id": "nope"}, headers={"X-Request-Id": "err-1"})
    assert r.status_code in (400, 404)
    assert r.headers["X-Request-Id"] == "err-1"
    r = server.get("/no/such/route", headers={"X-Request-Id": "x" * 200})
    assert r.status_code == 404
    generated = r.headers["X-Request-Id"]
    assert generated and generated != "x" * 200
    other = server.get("/no/such/route").headers["X-Request-Id"]
    assert other and other != generated


def test_metrics_follow_the_api_key(start_server: StartServer) -> None:
    server = start_server(args=["--api-key", "sekret"])
    r = server.get("/metrics")
    assert_error(r, 401, "unauthorized")
    assert r.headers["X-Request-Id"]
    # Prometheus sends its credentials as a bearer token.
    samples = scrape(server, headers={"Authorization": "Bearer sekret"})
    assert value(samples, "hailo8_http_requests_total", model="", route="/metrics", method="GET", code="401") == 1
    assert requests.get(f"{server.url}/health").status_code == 200


def test_simulated_hailo_devices_export_temperature_power_and_state(start_server: StartServer, tmp_path) -> None:
    from test_hailo import start_hailo, wait_ready

    server = start_hailo(start_server, tmp_path, {"HAILO_SIM_DEVICES": "2"})
    wait_ready(server)
    samples = scrape(server)
    devices = [d for d in server.get("/devices").json()["devices"] if d["kind"] == "hailo"]
    assert len(devices) == 2
    for device in devices:
        labels = {"device": device["id"], "kind": "hailo"}
        assert value(samples, "hailo8_device_available", **labels) == 1
        states = {s.labels["state"]: s.value for s in samples["hailo8_device_state"] if s.labels["device"] == device["id"]}
        assert states["ready"] == 1 and sum(states.values()) == 1, states
        assert value(samples, "hailo8_device_temperature_celsius", **labels) == float(device["details"]["temperature_c"])
        power = device["details"].get("power_w")
        assert value(samples, "hailo8_device_power_watts", **labels) == (float(power) if power else None)
    status = server.get("/status").json()
    assert {d["id"]: d["temperature_c"] for d in status["devices"] if d["kind"] == "hailo"} == \
        {d["id"]: float(d["details"]["temperature_c"]) for d in devices}
