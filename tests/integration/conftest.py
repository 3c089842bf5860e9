"""Fixtures for the integration tests: they start the real release binary and talk to it over
HTTP on a local port. The service binds a port of the system's choosing (`--port 0`) and writes
it to its `--port-file`, which the harness reads: no port is picked before the start, so tests
running side by side cannot race for one.

Paths (all overridable by environment variables, as scripts/test.sh does):

* HAILO8_BINARY       .build/release/hailo8-service
* HAILO8_TEST_MODELS  .test-models            (tests/models/make_test_models.py, by setup.sh)
* HAILO8_DEMO_MODEL   models/nudenet-320n.onnx (downloaded by setup.sh)

A missing binary or model fails the tests (it does not skip them).
"""

from __future__ import annotations

import base64
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import onnxruntime
import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
# The test images scripts/setup.sh fetches.
IMAGES = Path(os.environ.get("HAILO8_TEST_IMAGES") or REPO_ROOT / ".test-images")
sys.path.insert(0, str(REPO_ROOT / "tests" / "models"))

import make_test_models  # noqa: E402  (ITERATIONS_LONG etc.)

BINARY = Path(os.environ.get("HAILO8_BINARY") or REPO_ROOT / ".build" / "release" / "hailo8-service")
TEST_MODELS = Path(os.environ.get("HAILO8_TEST_MODELS") or REPO_ROOT / ".test-models")
DEMO_MODEL = Path(os.environ.get("HAILO8_DEMO_MODEL") or REPO_ROOT / "models" / "nudenet-320n.onnx")
TEST_MODEL_NAMES = ("affine.onnx", "two_inputs.onnx", "types.onnx", "slow.onnx", "bad.onnx")

STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
HTTP_TIMEOUT = 60.0

DTYPES: dict[str, np.dtype] = {
    name: np.dtype(t).newbyteorder("<")
    for name, t in {
        "float32": np.float32, "float64": np.float64, "float16": np.float16,
        "uint8": np.uint8, "int8": np.int8, "uint16": np.uint16, "int16": np.int16,
        "uint32": np.uint32, "int32": np.int32, "uint64": np.uint64, "int64": np.int64,
        "bool": np.bool_,
    }.items()
}


def onnxruntime_library() -> str:
    """libonnxruntime.so of the onnxruntime wheel this Python uses (the .venv one)."""
    capi = Path(onnxruntime.__file__).parent / "capi"
    found = sorted(glob.glob(str(capi / "libonnxruntime.so.*")))
    if not found:
        pytest.fail(f"no libonnxruntime.so.* in {capi}: run scripts/setup.sh")
    return found[0]


def require_artifacts() -> None:
    if not BINARY.is_file() or not os.access(BINARY, os.X_OK):
        pytest.fail(
            f"service binary not found at {BINARY}: run scripts/setup.sh, then "
            "`swift build -c release --product hailo8-service` (scripts/test.sh does both), "
            "or set HAILO8_BINARY"
        )
    missing = [str(TEST_MODELS / n) for n in TEST_MODEL_NAMES if not (TEST_MODELS / n).is_file()]
    if not DEMO_MODEL.is_file():
        missing.append(str(DEMO_MODEL))
    if missing:
        pytest.fail(f"missing model files {missing}: run scripts/setup.sh")


# ---------------------------------------------------------------------------------------------
# Tensor helpers


def b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()


def decode_tensor(tensor: dict[str, Any]) -> np.ndarray:
    """An output object ({name, dtype, shape, data}) as a numpy array; data may be base64 or a
    nested list (output_format "list")."""
    dtype = DTYPES[tensor["dtype"]]
    shape = tuple(tensor["shape"])
    data = tensor["data"]
    if isinstance(data, str):
        raw = base64.b64decode(data, validate=True)
        assert len(raw) == int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, tensor["shape"]
        return np.frombuffer(raw, dtype=dtype).reshape(shape)
    array = np.array(data)
    assert array.shape == shape, f"list data has shape {array.shape}, declared {shape}"
    return array.astype(dtype)


def outputs_by_name(body: dict[str, Any]) -> dict[str, np.ndarray]:
    return {o["name"]: decode_tensor(o) for o in body["outputs"]}


def assert_error(response: requests.Response, status: int, code: str | None = None) -> dict:
    """The response has `status` and a JSON {"error": {"code", "message"}} body."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.text[:500]}"
    )
    try:
        body = response.json()
    except ValueError:
        pytest.fail(f"error body is not JSON ({response.headers.get('Content-Type')}): {response.text[:300]}")
    error = body.get("error")
    assert isinstance(error, dict), body
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str) and error["message"], body
    if code is not None:
        assert error["code"] == code, body
    return error


# ---------------------------------------------------------------------------------------------
# The service process


class Server:
    """One hailo8-service process with its own models and data directories under `root`."""

    def __init__(
        self,
        root: Path,
        args: Sequence[str] = (),
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        onnxruntime_flag: bool = True,
        healthy: bool = True,
    ) -> None:
        self.root = root
        self.healthy = healthy
        self.models_dir = root / "models"
        self.data_dir = root / "data"
        self.args = list(args)
        self.extra_env = env or {}
        self.cwd = cwd or root
        self.onnxruntime_flag = onnxruntime_flag
        self.port = 0
        # What the service wrote to its --port-file: {"http": port, "grpc": port, "zmq": [endpoint]}.
        self.ports: dict[str, Any] = {}
        self.port_file = self.data_dir / "ports.json"  # where the service may write, even as another user
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = root / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        require_artifacts()
        self.models_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port, self.ports = 0, {}
        self.port_file.unlink(missing_ok=True)  # left by a service that was killed
        command = [
            str(BINARY), "serve",
            "--host", "127.0.0.1", "--port", "0", "--port-file", str(self.port_file),
            "--models-dir", str(self.models_dir), "--data-dir", str(self.data_dir),
        ]
        if self.onnxruntime_flag:
            command += ["--onnxruntime-library", onnxruntime_library()]
        command += self.args
        # The service must not pick up HAILO8_* settings of the shell that runs the tests.
        env = {k: v for k, v in os.environ.items() if not k.startswith("HAILO8_")}
        env.update(self.extra_env)
        self.command = command
        log = open(self.log_path, "ab")
        log.write(f"\n$ {' '.join(command)}\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            command, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        self._wait_healthy()
        return self

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _read_ports(self) -> bool:
        """Reads the --port-file once the service has written it (whole: it is renamed into place)."""
        try:
            self.ports = json.loads(self.port_file.read_text())
        except FileNotFoundError:
            return False
        self.port = self.ports["http"]
        return True

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"hailo8-service exited with status {self.process.returncode} while starting:\n"
                    f"{self.log_tail()}"
                )
            if not self.port and not self._read_ports():
                last = f"no port file {self.port_file} yet"
                time.sleep(0.05)
                continue
            try:
                response = requests.get(f"{self.url}/health", timeout=2)
                if response.status_code == 200 or (not self.healthy and response.status_code == 503):
                    return
                last = f"{response.status_code} {response.text[:300]}"
            except requests.RequestException as error:
                last = repr(error)
            time.sleep(0.1)
        self.stop()
        pytest.fail(
            f"hailo8-service did not answer GET /health with 200 within {STARTUP_TIMEOUT} s "
            f"(last: {last}):\n{self.log_tail()}"
        )

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT. Returns the exit status, or None when the
        process had to be killed."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        if process.poll() is not None:
            return process.returncode
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    # Requests with a default timeout so that a hung service fails a test instead of the run.
    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return requests.request(method, f"{self.url}{path}", **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    # Conveniences
    def load(self, model_path: str, model_id: str | None = None, **fields: Any) -> dict:
        body: dict[str, Any] = {"model_path": model_path, **fields}
        if model_id is not None:
            body["model_id"] = model_id
        response = self.post("/models/load", json=body)
        assert response.status_code in (200, 201), response.text[:500]
        return response.json()

    def wait_task(self, task_id: str, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            response = self.get(f"/inference/{task_id}")
            assert response.status_code == 200, response.text[:500]
            task = response.json()
            if task["status"] in ("succeeded", "failed"):
                return task
            assert task["status"] in ("queued", "running"), task
            if time.monotonic() > deadline:
                pytest.fail(f"task {task_id} still {task['status']} after {timeout} s")
            time.sleep(0.05)


def populate_models(models_dir: Path) -> None:
    """Copies (not links) the demo model and the test models into a models directory."""
    require_artifacts()
    models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(DEMO_MODEL, models_dir / "nudenet-320n.onnx")
    for name in TEST_MODEL_NAMES:
        shutil.copy2(TEST_MODELS / name, models_dir / name)


StartServer = Callable[..., Server]


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartServer]:
    """start_server(args=(), env=None, root=None, populate=True, cwd=None, onnxruntime_flag=True,
    healthy=True) starts a service; every one still running is stopped at the end of the session.
    Pass the `root` of a stopped server (and populate=False) to restart on the same directories;
    healthy=False accepts a service that answers /health with 503."""
    servers: list[Server] = []

    def start(
        args: Sequence[str] = (),
        env: dict[str, str] | None = None,
        root: Path | None = None,
        populate: bool = True,
        cwd: Path | None = None,
        onnxruntime_flag: bool = True,
        healthy: bool = True,
    ) -> Server:
        if root is None:
            root = tmp_path_factory.mktemp("service")
        if populate:
            populate_models(root / "models")
        server = Server(root, args=args, env=env, cwd=cwd, onnxruntime_flag=onnxruntime_flag, healthy=healthy)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def server(start_server: StartServer) -> Server:
    """The shared service used by most tests, with affine.onnx preloaded as `aff`."""
    return start_server(args=["--preload", "aff=affine.onnx"])


@pytest.fixture(scope="session")
def demo(server: Server) -> str:
    """Makes sure the demo model is loaded on the shared server as `demo`."""
    server.load("nudenet-320n.onnx", "demo")
    return "demo"


@pytest.fixture(scope="session")
def demo_session() -> onnxruntime.InferenceSession:
    require_artifacts()
    return onnxruntime.InferenceSession(str(DEMO_MODEL), providers=["CPUExecutionProvider"])


@pytest.fixture(scope="session")
def test_model_session() -> Callable[[str], onnxruntime.InferenceSession]:
    sessions: dict[str, onnxruntime.InferenceSession] = {}

    def get(name: str) -> onnxruntime.InferenceSession:
        if name not in sessions:
            require_artifacts()
            sessions[name] = onnxruntime.InferenceSession(
                str(TEST_MODELS / name), providers=["CPUExecutionProvider"]
            )
        return sessions[name]

    return get


def demo_input(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((1, 3, 320, 320), dtype=np.float32)
