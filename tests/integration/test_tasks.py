"""Async tasks end to end: cancellation, and what happens to accepted tasks at shutdown."""

from __future__ import annotations

import signal
import time

import numpy as np

import make_test_models
from conftest import StartServer, assert_error, b64


def slow_task(iterations: int) -> dict:
    x = np.random.default_rng(0).random((256, 256), dtype=np.float32)
    return {"model_id": "slow", "async": True, "timeout_ms": 60000, "inputs": {
        "x": {"data": b64(x)}, "iterations": {"data": b64(np.array(iterations, dtype=np.int64)), "shape": []}}}


def test_cancel_a_queued_task_and_delete_a_finished_one(start_server: StartServer) -> None:
    s = start_server()
    assert s.post("/models/load", json={"model_path": "slow.onnx", "model_id": "slow",
                                        "options": {"max_in_flight": 1}}).status_code == 201
    # Runs for minutes unless cancelled, so the next one is still queued however slow the machine.
    busy = s.post("/inference", json=slow_task(make_test_models.ITERATIONS_LONG)).json()["task_id"]
    queued = s.post("/inference", json=slow_task(10)).json()["task_id"]
    assert s.get(f"/inference/{queued}").json()["status"] == "queued"
    r = s.delete(f"/inference/{queued}")
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    assert s.get(f"/inference/{queued}").json()["status"] == "cancelled"
    assert s.delete(f"/inference/{queued}").status_code == 200  # finished: deleted
    assert_error(s.get(f"/inference/{queued}"), 404, "task_not_found")
    assert_error(s.delete("/inference/no-such-task"), 404, "task_not_found")
    s.delete(f"/inference/{busy}")


def test_shutdown_fails_queued_tasks_visibly_and_exits_cleanly(start_server: StartServer) -> None:
    s = start_server(args=["--shutdown-grace", "30"])
    assert s.post("/models/load", json={"model_path": "slow.onnx", "model_id": "slow",
                                        "options": {"max_in_flight": 1}}).status_code == 201
    # The server answers during the grace period only while this task runs: seconds of it.
    running = s.post("/inference", json=slow_task(4000)).json()["task_id"]
    queued = [s.post("/inference", json=slow_task(10)).json()["task_id"] for _ in range(3)]
    deadline = time.monotonic() + 10
    while s.get(f"/inference/{running}").json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert s.process is not None
    s.process.send_signal(signal.SIGTERM)
    # During the grace period the server still answers: queued tasks failed with 'shutdown'.
    seen = {}
    deadline = time.monotonic() + 30
    while len(seen) < len(queued) and time.monotonic() < deadline:
        for task_id in queued:
            try:
                task = s.get(f"/inference/{task_id}", timeout=30).json()
            except Exception:
                break
            if task["status"] == "failed":
                seen[task_id] = task["error"]["code"]
        time.sleep(0.02)
    assert seen == {task_id: "shutdown" for task_id in queued}, seen
    assert s.process.wait(timeout=60) == 0


def test_finished_results_are_bounded_in_bytes(start_server: StartServer) -> None:
    """--task-memory: the slow model's 256 KiB result fills a 200K budget, so the next task is
    429 task_store_full until the finished one is deleted."""
    s = start_server(args=["--task-memory", "200K"])
    assert s.post("/models/load", json={"model_path": "slow.onnx", "model_id": "slow"}).status_code == 201
    first = s.post("/inference", json=slow_task(1))
    assert first.status_code == 202, first.text
    task_id = first.json()["task_id"]
    assert s.wait_task(task_id)["status"] == "succeeded"
    error = assert_error(s.post("/inference", json=slow_task(1)), 429, "task_store_full")
    assert "--task-memory" in error["message"], error
    assert s.delete(f"/inference/{task_id}").status_code == 200
    assert s.post("/inference", json=slow_task(1)).status_code == 202
