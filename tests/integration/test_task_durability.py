"""Async tasks survive a restart and a kill -9 at any moment: every id the service answered 202
for is known afterwards, finished ones with their result, unfinished ones failed with `restart`."""

from __future__ import annotations

import os
import signal
import time

import numpy as np

from conftest import IMAGES, StartServer, b64
from test_tasks import slow_task

AFFINE_INPUT = np.arange(3, dtype=np.float32).reshape(1, 3)


def submit(server, model: str, x: np.ndarray) -> str:
    r = server.post("/inference", json={"model_id": model, "input_data": b64(x), "async": True})
    assert r.status_code == 202, r.text
    return r.json()["task_id"]


def test_tasks_are_accounted_for_after_kill_9_again_and_again(start_server: StartServer) -> None:
    first = start_server(args=["--preload", "aff=affine.onnx"])
    assert first.post("/models/load", json={"model_path": "slow.onnx", "model_id": "slow",
                                            "options": {"max_in_flight": 1}}).status_code == 201
    root = first.root
    finished = [submit(first, "aff", AFFINE_INPUT) for _ in range(5)]
    deadline = time.monotonic() + 10
    while any(first.get(f"/inference/{t}").json()["status"] != "succeeded" for t in finished):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    expected = {t: first.get(f"/inference/{t}").json()["result"] for t in finished}
    server = first
    unfinished: list[str] = []
    for round_ in range(3):
        # Slow tasks queue behind each other: one running, the rest queued, when the kill comes.
        for iterations in (2000, 10, 10, 10):
            r = server.post("/inference", json=slow_task(iterations))
            assert r.status_code == 202, r.text
            unfinished.append(r.json()["task_id"])
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        server = start_server(root=root, populate=False)
        for task_id in finished:
            body = server.get(f"/inference/{task_id}").json()
            assert body["status"] == "succeeded" and body["result"] == expected[task_id], body
        for task_id in unfinished:
            r = server.get(f"/inference/{task_id}")
            assert r.status_code == 200, (round_, task_id, r.text)
            body = r.json()
            assert body["status"] in ("succeeded", "failed"), body
            if body["status"] == "failed":
                assert body["error"]["code"] == "restart", body
    # Nothing half-written is left behind, and deleting a task removes its file.
    tasks_dir = server.data_dir / "tasks"
    assert not [p for p in tasks_dir.iterdir() if not p.name.endswith(".json")]
    gone = finished[0]
    assert server.delete(f"/inference/{gone}").status_code == 200
    deadline = time.monotonic() + 5
    while (tasks_dir / f"{gone}.json").exists():
        assert time.monotonic() < deadline, "the deleted task's file stayed"
        time.sleep(0.05)
    server.stop()


def test_an_image_task_keeps_its_detections_across_a_kill(start_server: StartServer) -> None:
    server = start_server(args=["--preload", "demo=nudenet-320n.onnx"])
    jpeg = (IMAGES / "astronaut.jpg").read_bytes()
    r = server.post("/inference", json={"model_id": "demo", "input_data": b64(jpeg), "async": True})
    assert r.status_code == 202, r.text
    task_id = r.json()["task_id"]
    before = server.wait_task(task_id)
    assert before["status"] == "succeeded" and before["result"]["detections"], before
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    again = start_server(root=server.root, populate=False)
    assert again.get(f"/inference/{task_id}").json() == before
    again.stop()
