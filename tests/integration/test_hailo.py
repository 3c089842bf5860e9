"""The Hailo backend over HTTP, with libhailort replaced by the HailoRT simulator
(libHailoRTSimulator.so, built by the package) through the same HAILO8_HAILORT_LIBRARY path a
real installation uses. See docs/hailo-simulator.md for the simulated HEFs and outputs."""

from __future__ import annotations

import base64
import concurrent.futures
import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import requests

from conftest import BINARY, IMAGES, REPO_ROOT, TEST_MODELS, Server, StartServer, assert_error

SIMULATOR = Path(os.environ.get("HAILO8_SIMULATOR_LIBRARY")
                 or REPO_ROOT / ".build" / "release" / "libHailoRTSimulator.so").resolve()
DETECTOR = "sim_detector_small.hef"  # 64x64x3 uint8 in, NMS_BY_CLASS 3 classes x 5 boxes out


def expected_nms(frame: np.ndarray, classes: int = 3, max_boxes: int = 5, score_threshold: float = 0.0) -> np.ndarray:
    """The simulator's detector output, from docs/hailo-simulator.md."""
    flat = frame.reshape(-1).astype(np.int64)
    target = int(flat.sum()) % classes
    count = min(1 + int(flat[0]) % 3, max_boxes)
    out: list[float] = []
    for c in range(classes):
        if c != target:
            out.append(0.0)
            continue
        boxes = [[0.10 + 0.10 * j, 0.20, 0.50 + 0.10 * j, 0.60 + 0.05 * j, 0.90 - 0.10 * j] for j in range(count)]
        boxes = [b for b in boxes if np.float32(b[4]) >= score_threshold]
        out.append(float(len(boxes)))
        for b in boxes:
            out.extend(b)
    out.extend([0.0] * (classes * (1 + 5 * max_boxes) - len(out)))
    return np.array(out, dtype=np.float64).astype(np.float32)


def frame(seed: int, shape=(1, 64, 64, 3)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


@pytest.fixture(autouse=True, params=["4.23.0", "4.20.1"], ids=lambda v: f"hailort-{v}")
def hailort_version(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with the simulator as HailoRT 4.23 and as 4.20, whose NMS shape,
    extended device information and HEF statuses are laid out differently (its driver is the
    same version, so the devices open)."""
    monkeypatch.setenv("HAILO_SIM_LIBRARY_VERSION", request.param)
    return request.param


def start_hailo(start_server: StartServer, tmp_path: Path, env: dict[str, str] | None = None, **kwargs) -> Server:
    if not SIMULATOR.is_file():
        pytest.fail(f"{SIMULATOR} is missing: `swift build -c release --product HailoRTSimulator` (scripts/test.sh does)")
    state = tmp_path / "sim-state"
    state.mkdir(exist_ok=True)
    settings = {"HAILO8_HAILORT_LIBRARY": str(SIMULATOR), "HAILO_SIM_STATE_DIR": str(state), **(env or {})}
    server = start_server(env=settings, **kwargs)
    for hef in TEST_MODELS.glob("sim_*.hef"):
        shutil.copy2(hef, server.models_dir / hef.name)
    return server


def infer_frame(server: Server, model_id: str, x: np.ndarray) -> requests.Response:
    return server.post(f"/inference?model_id={model_id}&shape={','.join(map(str, x.shape))}", data=x.tobytes(),
                       headers={"Content-Type": "application/octet-stream"})


def output_floats(response: requests.Response) -> np.ndarray:
    assert response.status_code == 200, response.text[:500]
    out = response.json()["outputs"][0]
    return np.frombuffer(base64.b64decode(out["data"]), dtype=np.float32)


def wait_ready(server: Server, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        hailo = server.get("/health").json()["backends"]["hailo"]
        if hailo.get("state") == "ready":
            return hailo
        if time.monotonic() > deadline:
            pytest.fail(f"the Hailo backend did not recover: {hailo}")
        time.sleep(0.05)


def test_simulated_devices_and_health(start_server: StartServer, tmp_path: Path, hailort_version: str) -> None:
    s = start_hailo(start_server, tmp_path, {"HAILO_SIM_DEVICES": "2"})
    health = s.get("/health").json()
    assert health["backends"]["hailo"]["available"] is True and health["backends"]["hailo"]["state"] == "ready", health
    assert health["backends"]["hailo"]["version"] == hailort_version
    devices = [d for d in s.get("/devices").json()["devices"] if d["kind"] == "hailo"]
    assert [d["id"] for d in devices] == ["0000:01:00.0", "0000:02:00.0"], devices
    details = devices[0]["details"]
    assert details["board_name"] == "Hailo-8" and details["architecture"] == "HAILO8", details
    assert details["firmware_version"] == hailort_version and details["serial_number"] and details["part_number"]
    assert float(details["temperature_c"]) == pytest.approx(48.75, abs=0.06)
    assert devices[0]["runtime_version"] == hailort_version
    assert s.get("/status").json()["backends"]["hailo"]["state"] == "ready"


def test_64_concurrent_clients_get_their_own_answers(start_server: StartServer, tmp_path: Path) -> None:
    s = start_hailo(start_server, tmp_path)
    r = s.post("/models/load", json={"model_path": DETECTOR, "model_id": "det"})
    assert r.status_code == 201, r.text
    model = r.json()
    assert model["device"] == "hailo" and model["format"] == "hef"
    assert model["inputs"] == [{"name": "detector_small/input_layer1", "dtype": "uint8", "shape": [-1, 64, 64, 3]}]
    assert model["metadata"]["detector_small/nms_postprocess.format"] == "hailo_nms_by_class"

    def one(seed: int) -> bool:
        x = frame(seed)
        if seed % 2:
            body = {"model_id": "det", "input_data": base64.b64encode(x.tobytes()).decode()}
            got = output_floats(s.post("/inference", json=body))
        else:
            got = output_floats(infer_frame(s, "det", x))
        return np.array_equal(got, expected_nms(x))

    with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(one, range(64)))
    assert all(results), results.count(False)


def test_two_models_share_the_device_unload_and_reload(start_server: StartServer, tmp_path: Path) -> None:
    s = start_hailo(start_server, tmp_path)
    assert s.post("/models/load", json={"model_path": DETECTOR, "model_id": "det"}).status_code == 201
    r = s.post("/models/load", json={"model_path": "sim_perchannel.hef", "model_id": "pc", "device": "hailo",
                                     "options": {"scheduler_priority": 20, "batch_size": 2}})
    assert r.status_code == 201, r.text
    x = frame(5, (1, 4, 4, 3))
    q = np.resize(x.reshape(-1), 16).astype(np.float32)
    expected = (q - (10 + np.arange(16) % 4)) * 0.5
    np.testing.assert_array_equal(output_floats(infer_frame(s, "pc", x)), expected)
    np.testing.assert_array_equal(output_floats(infer_frame(s, "det", frame(6))), expected_nms(frame(6)))

    assert s.delete("/models/pc").status_code == 200
    np.testing.assert_array_equal(output_floats(infer_frame(s, "det", frame(7))), expected_nms(frame(7)))
    assert s.post("/models/load", json={"model_path": "sim_perchannel.hef", "model_id": "pc"}).status_code == 201
    np.testing.assert_array_equal(output_floats(infer_frame(s, "pc", x)), expected)
    assert wait_ready(s)["available"] is True

    # `hailo8-service devices` reads the board without claiming it, while the service owns it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILO8_")}
    env.update({"HAILO8_HAILORT_LIBRARY": str(SIMULATOR), "HAILO_SIM_STATE_DIR": str(tmp_path / "sim-state")})
    listing = subprocess.run([str(BINARY), "devices"], env=env, capture_output=True, text=True, timeout=30)
    assert listing.returncode == 0 and "0000:01:00.0\tHailo-8\tpresent" in listing.stdout, listing.stdout + listing.stderr
    np.testing.assert_array_equal(output_floats(infer_frame(s, "det", frame(8))), expected_nms(frame(8)))
    assert s.stop() == 0, s.log_tail()


@pytest.mark.parametrize("fault, status_name", [
    ("read:3:63", "HAILO_STREAM_ABORT"),
    ("write:3:87", "HAILO_DRIVER_TIMEOUT"),
    ("read:3:4", "HAILO_TIMEOUT"),
])
def test_injected_faults_fail_in_flight_frames_and_the_service_recovers(
        start_server: StartServer, tmp_path: Path, fault: str, status_name: str) -> None:
    s = start_hailo(start_server, tmp_path, {"HAILO_SIM_FAULTS": fault}, args=["--preload", "aff=affine.onnx"])
    assert s.post("/models/load", json={"model_path": DETECTOR, "model_id": "det"}).status_code == 201
    for seed in range(3):
        np.testing.assert_array_equal(output_floats(infer_frame(s, "det", frame(seed))), expected_nms(frame(seed)))
    error = assert_error(infer_frame(s, "det", frame(3)), 503, "backend_unavailable")
    assert status_name in error["message"] and "recovering" in error["message"], error
    # The CPU backend keeps serving meanwhile.
    x = np.ones((1, 3), dtype=np.float32)
    assert s.post("/inference", json={"model_id": "aff", "input_data": base64.b64encode(x.tobytes()).decode()}).status_code == 200
    wait_ready(s)
    np.testing.assert_array_equal(output_floats(infer_frame(s, "det", frame(4))), expected_nms(frame(4)))
    hailo = next(d for d in s.get("/devices").json()["devices"] if d["kind"] == "hailo")
    assert hailo["details"]["faults"] == "1" and status_name in hailo["details"]["last_fault"], hailo


def test_device_owned_by_another_process(start_server: StartServer, tmp_path: Path) -> None:
    first = start_hailo(start_server, tmp_path)
    second = start_hailo(start_server, tmp_path)  # same simulated board, same lock directory
    hailo = second.get("/health").json()["backends"]["hailo"]
    assert hailo["available"] is False and "another process" in hailo["reason"], hailo
    assert_error(second.post("/models/load", json={"model_path": DETECTOR}), 503, "backend_unavailable")
    assert first.stop() == 0
    assert wait_ready(second)["available"] is True  # the retry claims the board once it is free


def test_driver_library_mismatch_names_both_versions(start_server: StartServer, tmp_path: Path, hailort_version: str) -> None:
    version_file = tmp_path / "hailo_pci_version"
    version_file.write_text("4.20.0\n")
    s = start_hailo(start_server, tmp_path, {"HAILO_SIM_DRIVER_VERSION": "4.20.0",
                                             "HAILO8_DRIVER_VERSION_FILE": str(version_file)})
    hailo = s.get("/health").json()["backends"]["hailo"]
    assert hailo["available"] is False and "4.20.0" in hailo["reason"] and hailort_version in hailo["reason"], hailo


def test_refused_hefs_and_temperature_alarm(start_server: StartServer, tmp_path: Path) -> None:
    s = start_hailo(start_server, tmp_path, {"HAILO_SIM_TEMPERATURE_ALARM_MS": "100"})
    error = assert_error(s.post("/models/load", json={"model_path": "sim_hailo15.hef"}), 422, "model_load_failed")
    assert "compiled for Hailo-15H (HAILO15H)" in error["message"], error
    assert_error(s.post("/models/load", json={"model_path": "sim_bad_magic.hef"}), 422, "model_load_failed")
    error = assert_error(s.post("/models/load", json={"model_path": DETECTOR, "options": {"scheduler_priority": 40}}), 400)
    assert "from 0 to 31" in error["message"]
    deadline = time.monotonic() + 10
    while True:
        hailo = next(d for d in s.get("/devices").json()["devices"] if d["kind"] == "hailo")
        if hailo["details"].get("alarm_temperatureAlarm") == "1":
            break
        assert time.monotonic() < deadline, hailo
        time.sleep(0.1)


def test_without_hailort_the_service_says_so(server: Server) -> None:
    hailo = server.get("/health").json()["backends"]["hailo"]
    assert hailo["available"] is False and "libhailort.so.4.23.0" in hailo["reason"], hailo
    assert_error(server.post("/models/load", json={"model_path": "x.hef", "device": "hailo"}), 404)


def test_images_through_the_hailo_detector_and_deepstack(start_server: StartServer, tmp_path: Path) -> None:
    """An image in, Hailo NMS decoded into detections in the image's pixels: the simulator's
    first box is (0.1, 0.2, 0.5, 0.6) normalized to the 64×64 input, score 0.9; astronaut.png is
    512×512, so the letterbox is a plain ×8 scale."""
    images = IMAGES
    png = (images / "astronaut.png").read_bytes()
    s = start_hailo(start_server, tmp_path)
    assert s.post("/models/load", json={"model_path": DETECTOR, "model_id": "det",
                                        "labels": ["a", "b", "c"]}).status_code == 201
    r = s.post("/inference", json={"model_id": "det", "input_data": base64.b64encode(png).decode()})
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert body["image"] == {"width": 512, "height": 512}, body
    top = body["detections"][0]
    assert top["label"] in {"a", "b", "c"} and top["score"] == pytest.approx(0.9, abs=1e-6), top
    assert [top["box"][k] for k in ("x_min", "y_min", "x_max", "y_max")] == pytest.approx([102.4, 51.2, 307.2, 256.0], abs=0.5)

    r = s.post("/v1/vision/custom/det", files={"image": ("a.png", png, "image/png")})
    assert r.status_code == 200 and r.json()["success"] is True, r.text[:300]
    prediction = r.json()["predictions"][0]
    assert (prediction["x_min"], prediction["y_min"], prediction["x_max"], prediction["y_max"]) == (102, 51, 307, 256)


def test_tritonclient_through_the_simulator(start_server: StartServer, tmp_path: Path) -> None:
    """An unmodified tritonclient.http session against a Hailo model: load, metadata, infer with
    binary and JSON tensors, unload."""
    import tritonclient.http as httpclient

    s = start_hailo(start_server, tmp_path)
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{s.port}")
    client.load_model("sim_detector_small")
    assert client.is_model_ready("sim_detector_small")
    metadata = client.get_model_metadata("sim_detector_small")
    assert metadata["inputs"][0] == {"name": "detector_small/input_layer1", "datatype": "UINT8", "shape": [-1, 64, 64, 3]}
    for binary in (True, False):
        x = frame(20 + binary)
        tensor = httpclient.InferInput("detector_small/input_layer1", list(x.shape), "UINT8")
        tensor.set_data_from_numpy(x, binary_data=binary)
        output = httpclient.InferRequestedOutput("detector_small/nms_postprocess", binary_data=binary)
        result = client.infer("sim_detector_small", [tensor], outputs=[output])
        np.testing.assert_array_equal(result.as_numpy("detector_small/nms_postprocess").reshape(-1), expected_nms(x))
    client.unload_model("sim_detector_small")
    assert not client.is_model_ready("sim_detector_small")
