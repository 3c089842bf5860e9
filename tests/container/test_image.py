"""The image built from the repository's Dockerfile, run as the seed shows it.

scripts/test-container.sh builds `hailo8-service:latest` and a client image, starts a Docker
daemon inside a network namespace of its own and runs these tests inside that namespace, so
`127.0.0.1:8080` is a port the daemon published there. No Hailo-8 here: a stand-in `/dev/hailo0`
(a character device node) is passed with `--device`, and the HailoRT simulator is mounted in
place of libhailort; it opens the node as libhailort would (HAILO_SIM_DEVICE_NODE), so the
non-root user must be able to open it.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKER = os.environ.get("CONTAINER_TEST_DOCKER", "/usr/bin/docker")
WORK = Path(os.environ.get("CONTAINER_TEST_WORK", "/nonexistent"))
SIMULATOR = os.environ.get("CONTAINER_TEST_SIMULATOR", "")
CLIENT_IMAGE = os.environ.get("CONTAINER_TEST_CLIENT_IMAGE", "hailo8-test-client:latest")
IMAGE = "hailo8-service:latest"
URL = "http://127.0.0.1:8080"
NETWORK = "hailo8-net"
DETECTOR = "sim_detector_small.hef"  # 64x64x3 uint8 in, NMS_BY_CLASS out
# The simulator in place of the library the service looks for by default, opening the stand-in node.
SIMULATED_HAILO = ["-v", f"{SIMULATOR}:/usr/lib/libhailort.so.4.23.0:ro", "-e", "HAILO_SIM_DEVICE_NODE=/dev/hailo0"]

pytestmark = pytest.mark.skipif(not WORK.is_dir(), reason="run by scripts/test-container.sh, which builds the image")


def docker(*args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"docker {' '.join(args)} failed ({result.returncode}): {result.stdout}{result.stderr}")
    return result


def inspect(name: str, template: str) -> Any:
    return json.loads(docker("inspect", "-f", "{{json " + template + "}}", name).stdout)


def wait_healthy(name: str, timeout: float = 90) -> None:
    """Docker runs the image's HEALTHCHECK itself; wait for it to say healthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = inspect(name, ".State")
        if state["Status"] == "exited":
            pytest.fail(f"{name} exited with {state['ExitCode']}: {docker('logs', name, check=False).stderr[-3000:]}")
        if state.get("Health", {}).get("Status") == "healthy":
            return
        time.sleep(0.5)
    pytest.fail(f"{name} not healthy in {timeout} s: {inspect(name, '.State.Health')}")


def inside(name: str, path: str) -> Any:
    """GET a route from inside the container (its own curl), for containers with no port published."""
    return json.loads(docker("exec", name, "curl", "-sS", f"http://127.0.0.1:8080{path}").stdout)


def hailo_devices(devices: Any) -> list[dict[str, Any]]:
    return [d for d in devices if d.get("kind") == "hailo"]


@pytest.fixture(scope="module")
def models_dir() -> Path:
    """The demo model and a simulated HEF, readable by the image's user (uid 10001)."""
    path = WORK / "models"
    path.mkdir(exist_ok=True)
    shutil.copy2(REPO_ROOT / "models" / "nudenet-320n.onnx", path)
    shutil.copy2(REPO_ROOT / ".test-models" / DETECTOR, path)
    for item in [path, *path.iterdir()]:
        item.chmod(0o755 if item.is_dir() else 0o644)
    return path


def device_node(name: str, mode: int, gid: int = 0) -> Path:
    """A character device standing in for /dev/hailo0 (the numbers of /dev/null, which the
    container's device rules allow): opening it read-write works, given the permissions."""
    path = WORK / "dev" / name
    path.parent.mkdir(exist_ok=True)
    os.mknod(path, 0o020000 | mode, os.makedev(1, 3))
    os.chown(path, 0, gid)
    path.chmod(mode)
    return path


@pytest.fixture(scope="module")
def network() -> Iterator[str]:
    docker("network", "create", NETWORK)
    yield NETWORK
    docker("network", "rm", NETWORK, check=False)


@pytest.fixture(scope="module")
def service(models_dir: Path, network: str) -> Iterator[str]:
    """The seed's `docker run --device=/dev/hailo0 -p 8080:8080 hailo8-service:latest`, with the
    models and data volumes the docs give and a node mode 0666 as Hailo's udev rule makes it."""
    node = device_node("hailo0", 0o666)
    docker("run", "-d", "--name", "hailo8-service", "--network", network,
           f"--device={node}:/dev/hailo0", "-p", "8080:8080",
           "-v", f"{models_dir}:/models:ro", "-v", "hailo8-data:/data", *SIMULATED_HAILO, IMAGE)
    wait_healthy("hailo8-service")
    yield "hailo8-service"
    docker("rm", "-f", "hailo8-service", check=False)
    docker("volume", "rm", "hailo8-data", check=False)


def run_client_here(url: str) -> str:
    result = subprocess.run([sys.executable, str(REPO_ROOT / "tests" / "container" / "client.py"), url],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def run_client_container(network: str, url: str) -> str:
    result = docker("run", "--rm", "--network", network, CLIENT_IMAGE, url, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def detector_frame(seed: int) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, (1, 64, 64, 3), dtype=np.uint8).tobytes()


def infer_detector(model_id: str = "det") -> requests.Response:
    return requests.post(f"{URL}/inference", params={"model_id": model_id, "shape": "1,64,64,3"},
                         data=detector_frame(1), headers={"Content-Type": "application/octet-stream"}, timeout=30)


def test_starts_healthy_as_a_non_root_user(service: str) -> None:
    assert inspect(service, ".Config.User") == "10001:10001"
    status = docker("exec", service, "cat", "/proc/1/status").stdout
    uids = next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1:]
    assert uids == ["10001"] * 4, status
    health = requests.get(f"{URL}/health", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok", health.text


def test_the_seed_client_from_the_host(service: str) -> None:
    assert "(1, 22, 2100)" in run_client_here(URL)


def test_the_seed_client_from_a_client_container_by_service_name(service: str, network: str) -> None:
    assert "(1, 22, 2100)" in run_client_container(network, f"http://{service}:8080")


def test_the_passed_device_serves_a_hef(service: str) -> None:
    hailo = hailo_devices(requests.get(f"{URL}/devices", timeout=10).json()["devices"])
    assert len(hailo) == 1 and hailo[0]["available"], hailo
    r = requests.post(f"{URL}/models/load", json={"model_path": DETECTOR, "model_id": "det"}, timeout=60)
    assert r.status_code == 201 and r.json()["device"] == "hailo", r.text
    r = infer_detector()
    assert r.status_code == 200, r.text


def test_loaded_models_are_kept_across_restart(service: str) -> None:
    docker("restart", "-t", "20", service)
    wait_healthy(service)
    models = {m["model_id"]: m for m in requests.get(f"{URL}/models", timeout=10).json()["models"]}
    assert {"demo", "det"} <= models.keys(), models
    assert models["demo"]["state"] == "ready" and models["det"]["state"] == "ready", models
    assert infer_detector().status_code == 200


def test_sigterm_stops_it_within_its_grace_period(service: str) -> None:
    started = time.monotonic()
    docker("stop", "-t", "30", service)   # SIGTERM, then SIGKILL after 30 s
    took = time.monotonic() - started
    state = inspect(service, ".State")
    assert state["ExitCode"] == 0 and not state["OOMKilled"], state
    assert took < 10, f"took {took:.1f} s to stop (grace period 10 s)"


def test_a_device_node_it_may_not_open_is_reported_and_group_add_fixes_it(models_dir: Path) -> None:
    """A node left root:4242 0660 (no udev rule): the service starts on the CPU and says why
    Hailo is unavailable; with the node's group added, the same image uses it."""
    node = device_node("hailo0-group", 0o660, gid=4242)
    for name, extra, usable in (("hailo8-nogroup", [], False), ("hailo8-group", ["--group-add", "4242"], True)):
        docker("run", "-d", "--name", name, f"--device={node}:/dev/hailo0", "-v", f"{models_dir}:/models:ro",
               *extra, *SIMULATED_HAILO, IMAGE)
        try:
            wait_healthy(name)
            hailo = inside(name, "/health")["backends"]["hailo"]
            assert hailo["available"] is usable, hailo
            if not usable:
                assert "36" in json.dumps(hailo) or "driver" in json.dumps(hailo).lower(), hailo
        finally:
            docker("rm", "-f", name, check=False)


def test_the_library_of_the_drivers_version_is_taken_from_the_image(models_dir: Path) -> None:
    """The image holds libhailort 4.20.1 and 4.21.0 from two packages in docker/hailort/ (the
    simulator, packed as Hailo packs the library); a host whose driver is 4.20.1 gets 4.20.1,
    with nothing mounted but the driver's version file."""
    node = device_node("hailo0-versions", 0o666)
    version_file = WORK / "hailo_pci_version"
    version_file.write_text("4.20.1\n")
    version_file.chmod(0o644)
    name = "hailo8-versions"
    docker("run", "-d", "--name", name, f"--device={node}:/dev/hailo0", "-v", f"{models_dir}:/models:ro",
           "-v", f"{version_file}:/run/hailo_pci_version:ro", "-e", "HAILO8_DRIVER_VERSION_FILE=/run/hailo_pci_version",
           "-e", "HAILO_SIM_DRIVER_VERSION=4.20.1", "-e", "HAILO_SIM_DEVICE_NODE=/dev/hailo0", IMAGE)
    try:
        wait_healthy(name)
        hailo = inside(name, "/health")["backends"]["hailo"]
        assert hailo["available"] and hailo["version"] == "4.20.1", hailo
        assert hailo["library"] == "libhailort.so.4.20.1", hailo
        installed = docker("exec", name, "sh", "-c", "ls /usr/lib/libhailort.so.*").stdout.split()
        assert installed == ["/usr/lib/libhailort.so.4.20.1", "/usr/lib/libhailort.so.4.21.0"], installed
    finally:
        docker("rm", "-f", name, check=False)


def test_cpu_and_memory_limits_size_it_and_a_load_is_served(models_dir: Path) -> None:
    name = "hailo8-limited"
    docker("run", "-d", "--name", name, "--cpus", "1", "--memory", "768m", "-p", "8080:8080",
           "-v", f"{models_dir}:/models:ro", "-e", "HAILO8_PRELOAD=demo=nudenet-320n.onnx", IMAGE)
    try:
        wait_healthy(name)
        resources = requests.get(f"{URL}/status", timeout=10).json()["resources"]
        assert resources["cpu_limit"] == 1.0 and resources["cpus"] == 1, resources
        assert resources["memory_limit_bytes"] == 768 * 1024 * 1024, resources
        assert resources["threads"] == {"inference": 1, "intra_op": 1, "vision": 1}, resources
        status = requests.get(f"{URL}/status", timeout=10).json()
        assert status["tasks"]["capacity"] == 768, status["tasks"]   # one per MiB of the limit
        cpu = next(d for d in requests.get(f"{URL}/devices", timeout=10).json()["devices"] if d["kind"] == "cpu")
        assert "1" in json.dumps(cpu), cpu

        jpeg = (REPO_ROOT / ".test-images" / "astronaut.jpg").read_bytes()

        def detect(_: int) -> int:
            return requests.post(f"{URL}/v1/vision/detection", files={"image": ("a.jpg", jpeg, "image/jpeg")},
                                 timeout=60).status_code

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            codes = list(pool.map(detect, range(200)))
        assert codes.count(200) == 200, {c: codes.count(c) for c in set(codes)}
        state = inspect(name, ".State")
        assert state["Running"] and not state["OOMKilled"], state
        usage = requests.get(f"{URL}/status", timeout=10).json()["resources"]["memory_usage_bytes"]
        assert 0 < usage < 768 * 1024 * 1024, usage
    finally:
        docker("rm", "-f", name, check=False)


def test_the_compose_file_up_and_down(models_dir: Path) -> None:
    """docker-compose.yml as a user brings it up, with the stand-in node as HAILO_DEVICE and an
    override file that mounts the simulator: healthy, both clients served, limits applied."""
    node = device_node("hailo0-compose", 0o666)
    override = WORK / "compose.override.yml"
    override.write_text(json.dumps({"services": {"hailo8-service": {
        "volumes": [f"{SIMULATOR}:/usr/lib/libhailort.so.4.23.0:ro"],
        "environment": {"HAILO_SIM_DEVICE_NODE": "/dev/hailo0"}}}}))
    compose = ["docker-compose", "--project-name", "hailo8ct", "--project-directory", str(REPO_ROOT),
               "-f", str(REPO_ROOT / "docker-compose.yml"), "-f", str(override)]
    env = {**os.environ, "HAILO_DEVICE": str(node), "HAILO8_MODELS": str(models_dir)}

    def run(*args: str) -> None:
        result = subprocess.run([*compose, *args], capture_output=True, text=True, env=env, timeout=180)
        assert result.returncode == 0, result.stdout + result.stderr

    run("up", "-d", "--no-build")
    try:
        name = "hailo8ct_hailo8-service_1"
        wait_healthy(name)
        assert "(1, 22, 2100)" in run_client_here(URL)
        assert "(1, 22, 2100)" in run_client_container("hailo8ct_default", "http://hailo8-service:8080")
        resources = requests.get(f"{URL}/status", timeout=10).json()["resources"]
        assert resources["cpu_limit"] == 2.0 and resources["memory_limit_bytes"] == 2 * 1024**3, resources
        assert hailo_devices(requests.get(f"{URL}/devices", timeout=10).json()["devices"])[0]["available"]
    finally:
        run("down", "--volumes", "--timeout", "20")
    assert docker("ps", "-aq", "--filter", "label=com.docker.compose.project=hailo8ct").stdout.strip() == ""
    assert "hailo8ct_default" not in docker("network", "ls", "--format", "{{.Name}}").stdout
