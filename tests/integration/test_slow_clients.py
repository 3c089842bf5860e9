"""Slow, idle and too many clients: connections silent while idle or while their request is read
are closed after --idle-timeout, at most --max-connections are open at once, and neither stops
other clients from being served."""

from __future__ import annotations

import socket
import time

import requests

from conftest import REPO_ROOT, StartServer


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.settimeout(10)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> float:
    """Seconds until the server closes `sock` (reads EOF or a reset), failing past `seconds`."""
    started = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    except socket.timeout:
        raise AssertionError(f"the connection was still open after {seconds} s")
    return time.monotonic() - started


def test_slow_headers_and_stalled_bodies_are_cut_while_others_are_served(start_server: StartServer) -> None:
    server = start_server(args=["--idle-timeout", "2"])
    port = int(server.url.rsplit(":", 1)[1])
    slow_headers = connect(port)
    slow_headers.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")   # never finishes its head
    stalled_body = connect(port)
    stalled_body.sendall(b"POST /models/load HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 1000\r\n\r\n{\"model_path\": ")   # 15 of 1000 bytes, then nothing
    idle = connect(port)
    idle.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert idle.recv(4096).startswith(b"HTTP/1.1 200")   # answered, then left open with nothing more

    assert requests.get(f"{server.url}/health", timeout=30).status_code == 200   # others are served meanwhile
    for sock in (slow_headers, stalled_body, idle):
        assert closed_within(sock, 20) < 20
        sock.close()
    assert requests.get(f"{server.url}/health", timeout=30).status_code == 200


def test_past_max_connections_new_ones_wait_for_a_free_one(start_server: StartServer) -> None:
    server = start_server(args=["--idle-timeout", "2", "--max-connections", "4"])
    port = int(server.url.rsplit(":", 1)[1])
    # The fixture's own client may hold a keep-alive connection: fill every remaining slot.
    held = [connect(port) for _ in range(4)]
    for sock in held:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.3)
    started = time.monotonic()
    # Waits in the backlog until the held connections are closed by the idle timeout.
    r = requests.get(f"{server.url}/health", timeout=15, headers={"Connection": "close"})
    waited = time.monotonic() - started
    assert r.status_code == 200
    assert waited > 1.0, f"served after {waited:.2f} s: the limit did not hold"
    for sock in held:
        sock.close()


def test_deepstack_reads_no_more_of_an_unauthenticated_upload_than_its_key_window(start_server: StartServer) -> None:
    """With API keys on, a 60 MB DeepStack post without a key is refused after the first 64 KiB
    (where clients put their api_key field), without waiting for the rest; one with its key in
    the form, before the image, is served."""
    server = start_server(args=["--api-key", "k1", "--preload", "demo=nudenet-320n.onnx", "--deepstack-model", "demo"])
    port = int(server.url.rsplit(":", 1)[1])
    sock = connect(port)
    boundary = "b0undary"
    sock.sendall((f"POST /v1/vision/detection HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
                  f"Content-Length: {60 << 20}\r\n\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; "
                  "filename=\"a.jpg\"\r\n\r\n").encode())
    sock.sendall(b"\xff" * (256 << 10))   # 256 KiB of the 60 MB, then nothing more
    started = time.monotonic()
    answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert time.monotonic() - started < 20  # not after the 60 MB, nor the 30 s idle timeout
    sock.close()

    jpeg = (REPO_ROOT / ".test-images" / "astronaut.jpg").read_bytes()
    r = requests.post(f"{server.url}/v1/vision/detection", data={"api_key": "k1"}, files={"image": ("a.jpg", jpeg, "image/jpeg")}, timeout=60)
    assert r.status_code == 200 and r.json()["success"], r.text
    r = requests.post(f"{server.url}/v1/vision/detection", data={"api_key": "wrong"}, files={"image": ("a.jpg", jpeg, "image/jpeg")}, timeout=60)
    assert r.status_code == 401 and r.json()["success"] is False, r.text
    assert requests.get(f"{server.url}/health", timeout=30).status_code == 200


def stalled_upload(port: int) -> socket.socket:
    """A connection that announces a 1 MiB body and sends 14 bytes of it."""
    sock = connect(port)
    sock.sendall(b"POST /inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1048576\r\n\r\n{\"model_id\": ")
    return sock


def answered(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(4096) is not None
    except BlockingIOError:
        return False
    finally:
        sock.setblocking(True)


def test_bodies_held_at_once_are_bounded_in_bytes(start_server: StartServer) -> None:
    """Two stalled 1 MiB uploads fill a 2 MiB --body-memory: the next request with a body is 429
    at once (not after reading it), requests without one are served, and once the stalled
    connections go the bytes are free again."""
    server = start_server(args=["--max-body-size", "1M", "--body-memory", "2M", "--preload", "aff=affine.onnx"])
    port = int(server.url.rsplit(":", 1)[1])
    stalled = [stalled_upload(port) for _ in range(2)]
    body = {"model_id": "aff", "input_data": "AACAPwAAAEAAAEBA"}
    deadline = time.monotonic() + 10
    while (r := requests.post(f"{server.url}/inference", json=body, timeout=30)).status_code != 429:
        assert r.status_code == 200 and time.monotonic() < deadline, r.text   # the stalled heads not yet read
        # A stalled upload whose head arrived while this small request held its few bytes did
        # not fit and was refused itself: send it again.
        for i, sock in enumerate(stalled):
            if answered(sock):
                sock.close()
                stalled[i] = stalled_upload(port)
        time.sleep(0.05)
    assert r.json()["error"]["code"] == "server_busy" and "--body-memory" in r.json()["error"]["message"], r.text
    assert r.headers["Retry-After"] == "1" and r.headers["Connection"] == "close"
    assert requests.get(f"{server.url}/models/aff", timeout=30).status_code == 200
    for sock in stalled:
        sock.close()
    deadline = time.monotonic() + 10
    while (r := requests.post(f"{server.url}/inference", json=body, timeout=30)).status_code != 200:
        assert r.status_code == 429 and time.monotonic() < deadline, r.text
        time.sleep(0.05)
