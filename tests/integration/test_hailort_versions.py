"""HailoRT 4.20 to 4.23, chosen from the driver's version.

The simulator poses as a version by the file name it is loaded as (libhailort.so.4.20.1, …): a
folder holding a copy under each supported name stands for a host with several HailoRT packages
installed side by side. The simulated driver has the version HAILO_SIM_DRIVER_VERSION says (a
library of another version fails with 76 at device open, as the real one does) and the service
reads the driver's version from a fake /sys/module/hailo_pci/version. As 4.20 the simulator lays
out the NMS shape and the extended device information as 4.20 does and has no statuses 91-93.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import BINARY, StartServer, Server, assert_error
from test_hailo import DETECTOR, SIMULATOR, TEST_MODELS, expected_nms, frame, infer_frame, output_floats, wait_ready

VERSIONS = ("4.20.0", "4.20.1", "4.21.0", "4.22.0", "4.23.0")


def host_with(tmp_path: Path, libraries: tuple[str, ...], driver: str | None) -> dict[str, str]:
    """Environment of a host with these libhailort versions installed and this driver loaded."""
    lib = tmp_path / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    for version in libraries:
        shutil.copy2(SIMULATOR, lib / f"libhailort.so.{version}")
    state = tmp_path / "sim-state"
    state.mkdir(exist_ok=True)
    env = {"LD_LIBRARY_PATH": str(lib), "HAILO_SIM_STATE_DIR": str(state),
           "HAILO8_DRIVER_VERSION_FILE": str(tmp_path / "hailo_pci_version")}
    if driver is not None:
        (tmp_path / "hailo_pci_version").write_text(driver + "\n")
        env["HAILO_SIM_DRIVER_VERSION"] = driver
    return env


def start(start_server: StartServer, tmp_path: Path, libraries: tuple[str, ...], driver: str | None,
          **env: str) -> Server:
    if not SIMULATOR.is_file():
        pytest.fail(f"{SIMULATOR} is missing: `swift build -c release --product HailoRTSimulator`")
    server = start_server(env={**host_with(tmp_path, libraries, driver), **env})
    for hef in TEST_MODELS.glob("sim_*.hef"):
        shutil.copy2(hef, server.models_dir / hef.name)
    return server


@pytest.mark.parametrize("driver", ["4.20.1", "4.21.0", "4.22.0", "4.23.0"])
def test_the_library_of_the_drivers_version_is_chosen_and_serves_nms(start_server: StartServer, tmp_path: Path,
                                                                     driver: str) -> None:
    server = start(start_server, tmp_path, VERSIONS, driver)
    hailo = wait_ready(server)
    assert hailo["version"] == driver and hailo["library"] == f"libhailort.so.{driver}", hailo
    device = next(d for d in server.get("/devices").json()["devices"] if d["kind"] == "hailo")
    assert device["runtime_version"] == driver and device["details"]["driver_version"] == driver
    assert device["details"]["architecture"] == "HAILO8"
    r = server.post("/models/load", json={"model_path": DETECTOR, "model_id": "det"})
    assert r.status_code == 201, r.text
    # The NMS shape (3 classes x 5 boxes) read with this version's layout sizes the output.
    x = frame(7)
    np.testing.assert_array_equal(output_floats(infer_frame(server, "det", x)), expected_nms(x))
    # The same frame over KServe v2 (JSON tensors).
    r = server.post("/v2/models/det/infer", json={"inputs": [
        {"name": "detector_small/input_layer1", "shape": list(x.shape), "datatype": "UINT8", "data": x.reshape(-1).tolist()}]})
    assert r.status_code == 200, r.text
    np.testing.assert_array_equal(np.array(r.json()["outputs"][0]["data"], dtype=np.float32), expected_nms(x))


def test_without_a_driver_the_newest_library_is_used(start_server: StartServer, tmp_path: Path) -> None:
    server = start(start_server, tmp_path, ("4.21.0", "4.22.0"), None)
    hailo = server.get("/health").json()["backends"]["hailo"]
    assert hailo["version"] == "4.22.0", hailo


def test_a_driver_no_installed_library_matches_is_explained(start_server: StartServer, tmp_path: Path) -> None:
    server = start(start_server, tmp_path, ("4.23.0",), "4.21.0")
    health = server.get("/health").json()
    hailo = health["backends"]["hailo"]
    assert not hailo["available"], hailo
    assert "4.21.0" in hailo["reason"] and "libhailort.so.4.21.0" in hailo["reason"], hailo
    assert "hailort_4.21.0_<arch>.deb" in hailo["reason"], hailo
    assert health["backends"]["cpu"]["available"]   # the CPU backend keeps serving


def test_an_unsupported_driver_is_explained(start_server: StartServer, tmp_path: Path) -> None:
    server = start(start_server, tmp_path, VERSIONS, "4.19.0")
    hailo = server.get("/health").json()["backends"]["hailo"]
    assert not hailo["available"] and "4.19.0" in hailo["reason"] and "4.20 to 4.23" in hailo["reason"], hailo


@pytest.mark.parametrize("driver,status", [("4.20.1", "HAILO_INVALID_HEF"), ("4.23.0", "HAILO_HEF_NOT_COMPATIBLE_WITH_DEVICE")])
def test_a_hef_for_another_chip_is_refused_naming_both_chips(start_server: StartServer, tmp_path: Path,
                                                            driver: str, status: str) -> None:
    """HailoRT names neither chip (4.20 not even the cause): the HEF's is read from its header."""
    server = start(start_server, tmp_path, VERSIONS, driver)
    wait_ready(server)
    error = assert_error(server.post("/models/load", json={"model_path": "sim_hailo15.hef"}), 422, "model_load_failed")
    message = error["message"]
    assert "the HEF was compiled for Hailo-15H (HAILO15H); this device is Hailo-8 (HAILO8)" in message, message
    assert status in message and "corrupt" not in message, message


@pytest.mark.parametrize("driver", ["4.20.1", "4.21.0"])
def test_a_hailo8l_board_takes_hailo8l_hefs_only(start_server: StartServer, tmp_path: Path, driver: str) -> None:
    server = start(start_server, tmp_path, VERSIONS, driver, HAILO_SIM_ARCH="hailo8l")
    wait_ready(server)
    device = next(d for d in server.get("/devices").json()["devices"] if d["kind"] == "hailo")
    assert device["details"]["architecture"] == "HAILO8L" and device["name"] == "Hailo-8L", device
    error = assert_error(server.post("/models/load", json={"model_path": DETECTOR}), 422, "model_load_failed")
    message = error["message"]
    assert "the HEF was compiled for Hailo-8 (HAILO8); this device is Hailo-8L (HAILO8L)" in message, message
    assert "Compile it for Hailo-8L" in message, message
    r = server.post("/models/load", json={"model_path": "sim_detector_8l.hef", "model_id": "det8l"})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("driver", ["4.20.1", "4.23.0"])
def test_a_hailo8l_hef_runs_on_a_hailo8_with_a_warning(start_server: StartServer, tmp_path: Path, driver: str) -> None:
    server = start(start_server, tmp_path, VERSIONS, driver)
    wait_ready(server)
    r = server.post("/models/load", json={"model_path": "sim_detector_8l.hef", "model_id": "det8l"})
    assert r.status_code == 201, r.text
    x = frame(12)
    np.testing.assert_array_equal(output_floats(infer_frame(server, "det8l", x)), expected_nms(x))
    model = next(m for m in server.get("/models").json()["models"] if m["model_id"] == "det8l")
    assert model["metadata"]["hef_architecture"] == "HAILO8L", model["metadata"]
    assert model["metadata"]["hef_sdk_version"] == "hailo8-service simulator", model["metadata"]
    log = server.log_path.read_text(errors="replace")
    assert "compiled for Hailo-8L (HAILO8L) and runs on this Hailo-8 with lower performance" in log, server.log_tail()


def test_inspect_prints_the_chip_a_hef_was_compiled_for(tmp_path: Path) -> None:
    env = {**os.environ, "HAILO8_HAILORT_LIBRARY": str(SIMULATOR), "HAILO_SIM_STATE_DIR": str(tmp_path)}
    inspect = subprocess.run([str(BINARY), "inspect", str(TEST_MODELS / "sim_detector_8l.hef")],
                             capture_output=True, text=True, timeout=60, env=env)
    assert inspect.returncode == 0, inspect.stderr
    assert "hef_architecture: HAILO8L" in inspect.stdout and "hef_sdk_version: hailo8-service simulator" in inspect.stdout, inspect.stdout


# --- sharing through HailoRT's multi-process service (simulated: HAILO_SIM_SERVICE_VERSION) --------

def start_shared(start_server: StartServer, tmp_path: Path, *args: str, service: str | None = "4.23.0",
                 state: Path | None = None) -> Server:
    env = host_with(tmp_path, ("4.23.0",), "4.23.0")
    if state is not None:
        env["HAILO_SIM_STATE_DIR"] = str(state)   # the boards' locks: shared between the servers
    if service is not None:
        env["HAILO_SIM_SERVICE_VERSION"] = service
    server = start_server(args=list(args), env=env)
    shutil.copy2(TEST_MODELS / DETECTOR, server.models_dir / DETECTOR)
    return server


def hailo_reason(server: Server) -> str:
    hailo = server.get("/health").json()["backends"]["hailo"]
    assert not hailo["available"], hailo
    return hailo["reason"]


def test_multi_process_mode_needs_the_service_running(start_server: StartServer, tmp_path: Path) -> None:
    server = start_shared(start_server, tmp_path, "--hailo-multi-process", service=None)
    reason = hailo_reason(server)
    assert "HAILO_RPC_FAILED" in reason and "hailort_service" in reason and "/tmp/hailort_uds.sock" in reason, reason


def test_multi_process_mode_needs_the_service_of_the_librarys_version(start_server: StartServer, tmp_path: Path) -> None:
    server = start_shared(start_server, tmp_path, "--hailo-multi-process", service="4.21.0")
    reason = hailo_reason(server)
    assert "HAILO_INVALID_SERVICE_VERSION" in reason and "4.23.0" in reason, reason


def test_two_services_share_a_board_through_hailort_service(start_server: StartServer, tmp_path: Path) -> None:
    state = tmp_path / "boards"
    state.mkdir()
    first = start_shared(start_server, tmp_path / "a", "--hailo-multi-process", state=state)
    second = start_shared(start_server, tmp_path / "b", "--hailo-multi-process", state=state)
    for server in (first, second):
        wait_ready(server)
        device = next(d for d in server.get("/devices").json()["devices"] if d["kind"] == "hailo")
        assert device["details"]["multi_process_group"] == "SHARED", device
        assert server.post("/models/load", json={"model_path": DETECTOR, "model_id": "det"}).status_code == 201
    for seed, server in enumerate((first, second, first)):
        x = frame(seed)
        np.testing.assert_array_equal(output_floats(infer_frame(server, "det", x)), expected_nms(x))
    # A process opening the board directly (the default) finds it taken, and another group too.
    direct = start_shared(start_server, tmp_path / "c", state=state)
    assert "HAILO_OUT_OF_PHYSICAL_DEVICES" in hailo_reason(direct)
    other = start_shared(start_server, tmp_path / "d", "--hailo-multi-process", "--hailo-group-id", "OTHER", state=state)
    reason = hailo_reason(other)
    assert "another group id than 'OTHER'" in reason, reason
