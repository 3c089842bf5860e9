"""Frigate's `zmq` remote detector against the release binary: a client that speaks the protocol
exactly as Frigate 0.17's detector does (a REQ socket with send/receive timeouts, the model
handshake, the model transfer, frames as [header, tensor]), on the CPU with the demo model and
through the HailoRT simulator, next to HTTP clients. Endpoints are bound to 127.0.0.1 or ipc://."""

from __future__ import annotations

import concurrent.futures
import io
import json
import shutil
import socket
import time
from pathlib import Path

import numpy as np
import pytest
import zmq
from PIL import Image

from conftest import DEMO_MODEL, Server, StartServer
from test_hailo import frame, start_hailo, wait_ready
from test_vision import image

ROWS = (20, 6)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def zmq_args() -> tuple[list[str], str]:
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    return ["--zmq-endpoint", endpoint], endpoint


class FrigateClient:
    """Frigate's ZmqIpcDetector, as its code behaves: REQ socket, timeouts, linger 0; at start and
    after every timeout, the handshake (30 s wait) and, when the model is not available, the
    transfer of the model file; a frame is [header, tensor] and any failure is 20 zero rows."""

    def __init__(self, endpoint: str, model_path: Path, timeout_ms: int = 200, model_type: str = "yologeneric") -> None:
        self.context = zmq.Context.instance()
        self.endpoint = endpoint
        self.model_path = Path(model_path)
        self.model_name = self.model_path.name
        self.timeout_ms = timeout_ms
        self.model_type = model_type
        self.socket: zmq.Socket | None = None
        self.ready = False
        self.handshakes: list[dict] = []
        self.connect()
        self.initialize()

    def connect(self) -> None:
        if self.socket is not None:
            self.socket.close(linger=0)
        self.socket = self.context.socket(zmq.REQ)
        self.socket.setsockopt(zmq.RCVTIMEO, self.timeout_ms)
        self.socket.setsockopt(zmq.SNDTIMEO, self.timeout_ms)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(self.endpoint)

    def _long_call(self, frames: list[bytes]) -> dict | None:
        assert self.socket is not None
        self.socket.send_multipart(frames)
        self.socket.setsockopt(zmq.RCVTIMEO, 30000)
        try:
            reply = self.socket.recv_multipart()
        finally:
            self.socket.setsockopt(zmq.RCVTIMEO, self.timeout_ms)
        if len(reply) != 1:
            return None
        answer = json.loads(reply[0].decode())
        self.handshakes.append(answer)
        return answer

    def initialize(self) -> None:
        answer = self._long_call([json.dumps({"model_request": True, "model_name": self.model_name}).encode()])
        if answer is None:
            self.ready = False
        elif answer.get("model_available", False):
            self.ready = bool(answer.get("model_loaded", False))
        else:
            sent = self._long_call([json.dumps({"model_data": True, "model_name": self.model_name}).encode(),
                                    self.model_path.read_bytes()])
            self.ready = bool(sent and sent.get("model_saved", False) and sent.get("model_loaded", False))

    def request(self, tensor: np.ndarray) -> list[bytes]:
        assert self.socket is not None
        header = {"shape": list(tensor.shape), "dtype": tensor.dtype.name, "model_type": self.model_type}
        self.socket.send_multipart([json.dumps(header).encode(), memoryview(np.ascontiguousarray(tensor).tobytes())])
        return self.socket.recv_multipart()

    def detect_raw(self, tensor: np.ndarray) -> np.ndarray:
        if not self.ready:
            return np.zeros(ROWS, np.float32)
        try:
            return decode(self.request(tensor))
        except zmq.Again:
            self.connect()
            self.initialize()
            return np.zeros(ROWS, np.float32)

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close(linger=0)
            self.socket = None


def decode(frames: list[bytes]) -> np.ndarray:
    """Frigate's reading of a reply: one 480-byte frame, or [header, bytes] reshaped by the header."""
    if len(frames) == 1:
        assert len(frames[0]) == 480
        return np.frombuffer(frames[0], np.float32).reshape(ROWS)
    header = json.loads(frames[0])
    return np.frombuffer(frames[1], dtype=np.dtype(header.get("dtype", "float32"))).reshape(tuple(header["shape"]))


def raw_call(endpoint: str, frames: list[bytes], timeout_ms: int = 10000) -> list[bytes]:
    s = zmq.Context.instance().socket(zmq.REQ)
    s.setsockopt(zmq.RCVTIMEO, timeout_ms)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(endpoint)
    try:
        s.send_multipart(frames)
        return s.recv_multipart()
    finally:
        s.close(linger=0)


def assert_rows(rows: np.ndarray) -> int:
    """20×6 float32, scores descending, zero rows after the last detection; returns the count."""
    assert rows.shape == ROWS and rows.dtype == np.float32
    count = int((rows[:, 1] > 0).sum())
    assert (rows[:count, 1] > 0).all() and not rows[count:].any(), rows
    assert list(rows[:count, 1]) == sorted(rows[:count, 1], reverse=True)
    assert ((rows[:count, 2:] >= 0) & (rows[:count, 2:] <= 1)).all()
    return count


def native_rows(server: Server, model_id: str, pixels: np.ndarray, **query) -> np.ndarray:
    """The native route's detections on the same RGB pixels, as Frigate's rows."""
    h, w = pixels.shape[:2]
    params = {"model_id": model_id, "input_type": "rgb24", "width": w, "height": h, **query}
    response = server.post("/inference", params=params, data=pixels.tobytes(), headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.text
    rows = np.zeros(ROWS, np.float32)
    for i, d in enumerate(response.json()["detections"][:20]):
        b = d["box"]
        rows[i] = [d["class_id"], d["score"], b["y_min"] / h, b["x_min"] / w, b["y_max"] / h, b["x_max"] / w]
    return rows


def assert_close(got: np.ndarray, expected: np.ndarray, atol: float = 0.02) -> None:
    n = assert_rows(got)
    assert n == int((expected[:, 1] > 0).sum()), (got, expected)
    assert np.array_equal(got[:n, 0], expected[:n, 0]), (got, expected)
    assert np.allclose(got[:n, 1:], expected[:n, 1:], atol=atol), (got, expected)


def astronaut(size: tuple[int, int] = (320, 320)) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(image("astronaut.png"))).convert("RGB").resize(size))


# ---------------------------------------------------------------------------------------------
# CPU, demo model


@pytest.fixture(scope="module")
def cpu(start_server: StartServer) -> tuple[Server, str]:
    args, endpoint = zmq_args()
    return start_server(args=args), endpoint


def test_cpu_handshake_loads_the_model_from_the_models_directory(cpu: tuple[Server, str]) -> None:
    server, endpoint = cpu
    client = FrigateClient(endpoint, DEMO_MODEL, timeout_ms=5000)
    try:
        assert client.ready and client.handshakes[0]["model_available"] and client.handshakes[0]["model_loaded"], client.handshakes
        assert [m["model_id"] for m in server.get("/models").json()["models"]] == ["nudenet-320n"]
        labels = [name.lower() for name in server.get("/models/nudenet-320n").json()["labels"]]
        pixels = astronaut()
        rows = client.detect_raw(pixels[np.newaxis])
        assert assert_rows(rows) >= 1
        assert labels[int(rows[0, 0])] == "face_female" and rows[0, 1] > 0.5
        assert np.allclose(rows[0, 2:], [83 / 512, 173 / 512, 180 / 512, 274 / 512], atol=0.02)
        assert_close(rows, native_rows(server, "nudenet-320n", pixels))
        # NCHW float32 (÷255 and 0..255), as Frigate's other input_tensor/input_dtype settings send it.
        planar = pixels.transpose(2, 0, 1)[np.newaxis].astype(np.float32)
        assert_close(client.detect_raw(planar / 255.0), rows)
        assert_close(client.detect_raw(planar), rows)
        # A crop of another size is letterboxed into the model, and the boxes come back to it.
        wide = astronaut((400, 300))
        assert_close(client.detect_raw(wide[np.newaxis]), native_rows(server, "nudenet-320n", wide))
        # The handshake again (as after a timeout): the model is found loaded, not loaded twice.
        client.initialize()
        assert client.handshakes[-1] == {"model_available": True, "model_loaded": True, "model_name": "nudenet-320n.onnx", "model_id": "nudenet-320n"}
    finally:
        client.close()
    metrics = server.get("/metrics").text
    assert 'route="zmq"' in metrics and 'method="inference"' in metrics


def test_cpu_frigate_timeouts_reconnect(cpu: tuple[Server, str]) -> None:
    server, endpoint = cpu
    client = FrigateClient(endpoint, DEMO_MODEL, timeout_ms=1)
    try:
        pixels = astronaut()[np.newaxis]
        results = [client.detect_raw(pixels) for _ in range(5)]  # most time out: zeros and a new socket
        assert all(r.shape == ROWS for r in results)
        client.timeout_ms = 5000
        client.connect()
        client.initialize()
        assert client.ready and assert_rows(client.detect_raw(pixels)) >= 1
    finally:
        client.close()


@pytest.mark.parametrize("kind", ["not json", "json array", "no shape", "bad dtype", "wrong byte count", "three frames",
                                  "no channels axis", "handshake without name"])
def test_malformed_messages_get_zero_rows_and_an_error(cpu: tuple[Server, str], kind: str) -> None:
    server, endpoint = cpu
    good = {"shape": [1, 320, 320, 3], "dtype": "uint8", "model_type": "yologeneric"}
    tensor = bytes(320 * 320 * 3)
    frames = {
        "not json": [b"{nope", tensor],
        "json array": [b"[1, 2]", tensor],
        "no shape": [json.dumps({"dtype": "uint8"}).encode(), tensor],
        "bad dtype": [json.dumps({**good, "dtype": "float64"}).encode(), bytes(320 * 320 * 3 * 8)],
        "wrong byte count": [json.dumps(good).encode(), tensor[:-1]],
        "three frames": [json.dumps(good).encode(), tensor, b"x"],
        "no channels axis": [json.dumps({**good, "shape": [1, 320, 320, 4]}).encode(), bytes(320 * 320 * 4)],
        "handshake without name": [json.dumps({"model_request": True}).encode()],
    }[kind]
    start = time.monotonic()
    reply = raw_call(endpoint, frames)
    assert time.monotonic() - start < 2
    header = json.loads(reply[0])
    assert header["shape"] == [20, 6] and header["dtype"] == "float32" and header["error"], header
    assert not decode(reply).any()
    # The service keeps serving.
    assert server.get("/health").status_code == 200


def test_unknown_models(start_server: StartServer, tmp_path: Path) -> None:
    args, endpoint = zmq_args()
    server = start_server(args=args)
    answer = json.loads(raw_call(endpoint, [json.dumps({"model_request": True, "model_name": "nothing-here.onnx"}).encode()])[0])
    assert answer["model_available"] is False and answer["model_loaded"] is False
    # No handshake and no detector loaded: zero rows and why.
    reply = raw_call(endpoint, [json.dumps({"shape": [1, 8, 8, 3], "dtype": "uint8"}).encode(), bytes(192)])
    assert "handshake" in json.loads(reply[0])["error"] and not decode(reply).any()
    assert server.get("/health").status_code == 200


# ---------------------------------------------------------------------------------------------
# Model transfer


def test_model_transfer_saves_confined_and_loads(start_server: StartServer, tmp_path: Path) -> None:
    args, endpoint = zmq_args()
    server = start_server(args=args, populate=False)
    sent = tmp_path / "frigate-detector.onnx"
    shutil.copy2(DEMO_MODEL, sent)
    client = FrigateClient(endpoint, sent, timeout_ms=5000)
    try:
        assert client.handshakes[0]["model_available"] is False
        assert client.handshakes[1]["model_saved"] is True and client.handshakes[1]["model_loaded"] is True, client.handshakes
        assert client.ready
        uploads = list((server.data_dir / "uploads").iterdir())
        assert len(uploads) == 1 and uploads[0].name.endswith("-frigate-detector.onnx")
        assert uploads[0].read_bytes() == sent.read_bytes()
        assert assert_rows(client.detect_raw(astronaut()[np.newaxis])) >= 1
        # Known by its file name from now on, also for a new peer.
        again = FrigateClient(endpoint, sent, timeout_ms=5000)
        assert again.handshakes == [{"model_available": True, "model_loaded": True, "model_name": "frigate-detector.onnx",
                                     "model_id": "frigate-detector"}]
        again.close()
    finally:
        client.close()


@pytest.mark.parametrize("name", ["../escape.onnx", "sub/dir.onnx", ".hidden.onnx", "notes.txt"])
def test_model_transfer_refuses_escaping_names(start_server: StartServer, tmp_path: Path, name: str) -> None:
    args, endpoint = zmq_args()
    server = start_server(args=args, populate=False)
    handshake = json.loads(raw_call(endpoint, [json.dumps({"model_request": True, "model_name": name}).encode()])[0])
    assert handshake["model_available"] is False
    answer = json.loads(raw_call(endpoint, [json.dumps({"model_data": True, "model_name": name}).encode(), DEMO_MODEL.read_bytes()])[0])
    assert answer["model_saved"] is False and answer["model_loaded"] is False and answer["error"], answer
    assert not (server.root / "escape.onnx").exists() and not (server.data_dir / "escape.onnx").exists()
    assert not (server.data_dir / "uploads").exists() or not any((server.data_dir / "uploads").iterdir())
    assert server.get("/models").json()["models"] == []


def test_model_transfer_refuses_oversized_files(start_server: StartServer, tmp_path: Path) -> None:
    args, endpoint = zmq_args()
    server = start_server(args=args + ["--max-body-size", "1M"], populate=False)
    answer = json.loads(raw_call(endpoint, [json.dumps({"model_data": True, "model_name": "big.onnx"}).encode(), bytes(1_100_000)])[0])
    assert answer["model_saved"] is False and "limit" in answer["error"], answer
    assert not (server.data_dir / "uploads").exists() or not any((server.data_dir / "uploads").iterdir())


# ---------------------------------------------------------------------------------------------
# The HailoRT simulator


def test_simulator_nms_detector_and_letterbox(start_server: StartServer, tmp_path: Path) -> None:
    args, endpoint = zmq_args()
    server = start_hailo(start_server, tmp_path, args=args)
    small = FrigateClient(endpoint, Path("sim_detector_small.hef"), timeout_ms=5000)
    big = FrigateClient(endpoint, Path("sim_yolov8n.hef"), timeout_ms=5000)
    try:
        assert small.ready and big.ready, (small.handshakes, big.handshakes)
        for seed in range(4):
            x = frame(seed)
            rows = small.detect_raw(x)
            assert assert_rows(rows) >= 1
            assert_close(rows, native_rows(server, "sim_detector_small", x[0]), atol=1e-5)
        # Frigate's 320×320 crop into a 640×640 HEF (and a 320×240 one, letterboxed with bars).
        for shape in [(1, 320, 320, 3), (1, 240, 320, 3)]:
            x = frame(7, shape)
            assert_close(big.detect_raw(x), native_rows(server, "sim_yolov8n", x[0]), atol=1e-4)
    finally:
        small.close()
        big.close()
    assert server.stop() == 0


def test_two_frigate_peers_and_http_clients_share_one_device(start_server: StartServer, tmp_path: Path) -> None:
    args, endpoint = zmq_args()
    ipc = f"ipc://{tmp_path}/frigate.sock"
    server = start_hailo(start_server, tmp_path, args=args + ["--zmq-endpoint", ipc])
    frames = [frame(seed) for seed in range(24)]
    peers = [FrigateClient(endpoint, Path("sim_detector_small.hef"), timeout_ms=5000),
             FrigateClient(ipc, Path("sim_detector_small.hef"), timeout_ms=5000)]
    expected = [native_rows(server, "sim_detector_small", x[0]) for x in frames]
    try:
        def peer(index: int) -> list[bool]:
            return [np.allclose(peers[index].detect_raw(frames[i]), expected[i], atol=1e-5) for i in range(index, len(frames), 2)]

        def http(i: int) -> bool:
            return np.allclose(native_rows(server, "sim_detector_small", frames[i][0]), expected[i])

        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            zmq_jobs = [pool.submit(peer, index) for index in range(2)]
            http_jobs = [pool.submit(http, i) for i in range(len(frames))]
            assert all(all(job.result()) for job in zmq_jobs)
            assert all(job.result() for job in http_jobs)
    finally:
        for p in peers:
            p.close()


def test_device_fault_and_deadline_answer_at_once(start_server: StartServer, tmp_path: Path) -> None:
    args, endpoint = zmq_args()
    server = start_hailo(start_server, tmp_path, {"HAILO_SIM_FAULTS": "read:2:63"}, args=args + ["--zmq-timeout-ms", "100"])
    client = FrigateClient(endpoint, Path("sim_detector_small.hef"), timeout_ms=5000)
    try:
        replies = []
        for seed in range(3):
            start = time.monotonic()
            replies.append(client.request(frame(seed)))
            assert time.monotonic() - start < 3
        assert "error" not in json.loads(replies[0][0]) and "error" not in json.loads(replies[1][0])
        assert json.loads(replies[2][0])["error"] and not decode(replies[2]).any()
        wait_ready(server)
        assert assert_rows(decode(client.request(frame(9)))) >= 1
        # sim_slow.hef takes 200 ms a frame: past the 100 ms deadline, an error at once.
        slow = FrigateClient(endpoint, Path("sim_slow.hef"), timeout_ms=5000)
        start = time.monotonic()
        reply = slow.request(frame(1))
        assert time.monotonic() - start < 3  # slack for a busy machine, under the client's 5 s
        assert json.loads(reply[0])["code"] == "deadline_exceeded" and not decode(reply).any()
        slow.close()
    finally:
        client.close()


def test_full_queue_answers_at_once(start_server: StartServer, tmp_path: Path) -> None:
    args, endpoint = zmq_args()
    server = start_hailo(start_server, tmp_path, args=args + ["--zmq-timeout-ms", "5000"])
    loaded = server.post("/models/load", json={"model_path": "sim_slow.hef", "model_id": "slow",
                                               "options": {"max_queue": 1, "max_in_flight": 1}})
    assert loaded.status_code == 201, loaded.text
    peers = [FrigateClient(endpoint, Path("slow"), timeout_ms=5000) for _ in range(4)]
    try:
        assert all(p.ready for p in peers)

        def one(index: int) -> tuple[dict, float]:
            reply = peers[index].request(frame(index))
            return json.loads(reply[0]), time.monotonic()

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(one, range(4)))
        full = [(h, t) for h, t in answers if h.get("code") == "queue_full"]
        served = [(h, t) for h, t in answers if "error" not in h]
        assert full and served, answers
        # Refused at once: before the request queued behind the running frame was answered, which
        # the refused one would otherwise have waited for (an order, whatever the machine's speed).
        assert max(t for _, t in full) < max(t for _, t in served), answers
    finally:
        for p in peers:
            p.close()


def test_endpoints_from_the_environment_and_the_models_file(start_server: StartServer, tmp_path: Path) -> None:
    def answers(endpoint: str) -> bool:
        reply = raw_call(endpoint, [json.dumps({"model_request": True, "model_name": "nudenet-320n.onnx"}).encode()])
        return json.loads(reply[0])["model_loaded"] is True

    tcp, ipc = f"tcp://127.0.0.1:{free_port()}", f"ipc://{tmp_path}/env.sock"
    server = start_server(env={"HAILO8_ZMQ_ENDPOINTS": f"{tcp}, {ipc}"})
    assert answers(tcp) and answers(ipc)
    assert server.stop() == 0
    config = tmp_path / "models.yaml"
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    config.write_text(f"zmq_endpoints: [{endpoint}]\nmodels:\n  - model_path: nudenet-320n.onnx\n")
    start_server(args=["--config", str(config)])
    assert answers(endpoint)


def test_an_endpoint_that_cannot_be_bound_stops_the_start(start_server: StartServer, tmp_path: Path) -> None:
    server = Server(tmp_path, args=["--zmq-endpoint", "tcp://127.0.0.1:notaport"])
    with pytest.raises(pytest.fail.Exception):
        server.start()
    assert "zmq_bind" in server.log_tail()
