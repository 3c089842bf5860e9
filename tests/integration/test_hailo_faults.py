"""Faults on the device path, through the simulator's fault injection: the service recovers by
itself, and while it recovers it refuses the device's requests at once instead of holding them
until their deadlines."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from conftest import StartServer
from test_hailo import DETECTOR, expected_nms, frame, infer_frame, output_floats, start_hailo, wait_ready

MODELS = {"det": DETECTOR, "cls": "sim_classifier.hef", "two": "sim_two_outputs.hef"}


def test_a_configure_failure_in_the_middle_of_a_rebuild_is_recovered(start_server: StartServer, tmp_path: Path) -> None:
    """The 40th read aborts the streams; the rebuild that follows configures the first model, then
    fails on the second (the 5th configure of the process). The half-built vdevice must be
    released, or every retry finds the board claimed (74) and it stays `recovering` for good."""
    s = start_hailo(start_server, tmp_path, {"HAILO_SIM_FAULTS": "read:40:63,configure:4:8"})
    wait_ready(s)
    for model_id, path in MODELS.items():
        r = s.post("/models/load", json={"model_path": path, "model_id": model_id})
        assert r.status_code == 201, r.text

    refused: list[tuple[float, int, str | None]] = []
    states: set[str] = set()
    deadline = time.monotonic() + 20
    seed = 0
    recovered = False
    while time.monotonic() < deadline:
        seed += 1
        x = frame(seed)
        started = time.monotonic()
        r = s.post("/inference?model_id=det&shape=1,64,64,3&timeout_ms=20000", data=x.tobytes(),
                   headers={"Content-Type": "application/octet-stream"})
        took = time.monotonic() - started
        if r.status_code == 200:
            np.testing.assert_array_equal(output_floats(r), expected_nms(x))
            if refused:
                recovered = True
                break
            continue
        assert r.status_code == 503, r.text
        refused.append((took, r.status_code, r.headers.get("Retry-After")))
        states.add(next(m["state"] for m in s.get("/models").json()["models"] if m["model_id"] == "det"))
    assert refused, "the injected read fault never fired"
    assert recovered, f"no answer after the fault within 20 s: {s.get('/health').json()['backends']['hailo']}"
    # Refused at once, not after the 20 s deadline; with a hint when to come back.
    assert max(took for took, _, _ in refused) < 10, refused
    assert all(retry == "5" for _, _, retry in refused[1:]), refused
    assert states <= {"recovering", "ready"}, states

    hailo = wait_ready(s)
    assert hailo["state"] == "ready"
    assert {m["model_id"]: m["state"] for m in s.get("/models").json()["models"]} == {
        "det": "ready", "cls": "ready", "two": "ready"}
    x = frame(999)
    np.testing.assert_array_equal(output_floats(infer_frame(s, "det", x)), expected_nms(x))
    for model_id in ("cls", "two"):
        shape = next(m for m in s.get("/models").json()["models"] if m["model_id"] == model_id)["inputs"][0]["shape"]
        data = np.zeros([1, *shape[1:]], dtype=np.uint8)
        r = infer_frame(s, model_id, data)
        assert r.status_code == 200, r.text
    device = next(d for d in s.get("/devices").json()["devices"] if d["kind"] == "hailo")
    assert int(device["details"]["faults"]) >= 1, device


def test_a_configure_fault_while_loading_fails_that_load_alone(start_server: StartServer, tmp_path: Path) -> None:
    """The second model's configure fails (HAILO_INTERNAL_FAILURE, once): that load is refused
    with a message naming the status, the first model goes on answering, and loading it again works."""
    s = start_hailo(start_server, tmp_path, {"HAILO_SIM_FAULTS": "configure:1:8"})
    wait_ready(s)
    assert s.post("/models/load", json={"model_path": DETECTOR, "model_id": "det"}).status_code == 201
    r = s.post("/models/load", json={"model_path": "sim_classifier.hef", "model_id": "cls"})
    assert r.status_code >= 500 and "HAILO_INTERNAL_FAILURE" in r.json()["error"]["message"], r.text
    x = frame(7)
    np.testing.assert_array_equal(output_floats(infer_frame(s, "det", x)), expected_nms(x))
    r = s.post("/models/load", json={"model_path": "sim_classifier.hef", "model_id": "cls"})
    assert r.status_code == 201, r.text
    assert infer_frame(s, "cls", np.zeros((1, 224, 224, 3), dtype=np.uint8)).status_code == 200
    np.testing.assert_array_equal(output_floats(infer_frame(s, "det", x)), expected_nms(x))


def test_sigterm_while_the_device_recovers_exits_cleanly(start_server: StartServer, tmp_path: Path) -> None:
    """Every vdevice creation after the fault fails (the board is claimed), so the backend stays
    `recovering` with retries pending; SIGTERM then stops the service at once and cleanly."""
    faults = ",".join(["read:3:63"] + ["create_vdevice:1:74"] * 15)   # the simulator takes 16 entries
    s = start_hailo(start_server, tmp_path, {"HAILO_SIM_FAULTS": faults})
    wait_ready(s)
    assert s.post("/models/load", json={"model_path": DETECTOR, "model_id": "det"}).status_code == 201
    deadline = time.monotonic() + 20
    while s.get("/health").json()["backends"]["hailo"].get("state") != "recovering":
        assert time.monotonic() < deadline, s.get("/health").json()
        infer_frame(s, "det", frame(1))
    started = time.monotonic()
    assert s.stop() == 0, s.log_tail()
    assert time.monotonic() - started < 10, "shutdown waited for the recovery"
