"""Frigate's ZeroMQ front end against HTTP on the simulated Hailo-8 at zero compute: 320×320×3
uint8 frames as Frigate's zmq detector sends them (letterboxed into sim_yolov8n.hef's 640×640
input, NMS decoded into 20 rows), next to the same frame on the HTTP image route (input_type
rgb24, detections as JSON) and a 640×640×3 raw tensor on the HTTP tensor route (no letterbox, raw
NMS output). 1 and 4 clients, each a Python thread with its own socket or connection, so the
clients share the machine's cores with the service. Prints a Markdown table.

    swift build -c release --product hailo8-service && swift build -c release --product HailoRTSimulator
    .venv/bin/python bench/frigate_zmq.py [--duration 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from pathlib import Path

import numpy as np
import requests
import zmq

from bench_support import REPO, Server, free_port, scratch

BIN = Path(os.environ.get("HAILO8_BINARY") or REPO / ".build" / "release" / "hailo8-service")
SIMULATOR = Path(os.environ.get("HAILO8_SIMULATOR_LIBRARY") or BIN.parent / "libHailoRTSimulator.so")
HEF = Path(os.environ.get("HAILO8_TEST_MODELS") or REPO / ".test-models") / "sim_yolov8n.hef"


def run(clients: int, seconds: float, one: "callable") -> dict:
    """`clients` threads calling `one(index)` back to back for `seconds`; each call's latency."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def loop(index: int) -> None:
        call = one(index)
        while time.monotonic() < stop:
            start = time.perf_counter()
            if not call():
                errors[index] += 1
            latencies[index].append(time.perf_counter() - start)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    flat = sorted(v for per in latencies for v in per)
    return {"rps": len(flat) / elapsed, "p50_ms": 1000 * statistics.median(flat), "errors": sum(errors)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--zmq-timeout-ms", type=int, default=1000,
                        help="the service's deadline per frame (its default); a frame past it is an error row")
    args = parser.parse_args()
    for path in (BIN, SIMULATOR, HEF):
        if not path.is_file():
            raise SystemExit(f"{path} is missing: build the release products and run scripts/setup.sh")
    with scratch("hailo8-zmq-bench-") as work:
        (work / "models").mkdir()
        (work / "models" / HEF.name).write_bytes(HEF.read_bytes())
        port, zport = free_port(), free_port()
        endpoint = f"tcp://127.0.0.1:{zport}"
        env = dict(os.environ, HAILO8_HAILORT_LIBRARY=str(SIMULATOR), HAILO_SIM_STATE_DIR=str(work), HAILO_SIM_FPS="0")
        server = Server(BIN, port, env, work, [
            "--models-dir", str(work / "models"), "--data-dir", str(work / "data"), "--preload", f"yolo={HEF.name}",
            "--zmq-endpoint", endpoint, "--zmq-timeout-ms", str(args.zmq_timeout_ms), "--log-level", "error"], models=1)
        frame = np.random.default_rng(0).integers(0, 256, size=(1, 320, 320, 3), dtype=np.uint8)
        big = np.random.default_rng(0).integers(0, 256, size=(1, 640, 640, 3), dtype=np.uint8).tobytes()
        header = json.dumps({"shape": list(frame.shape), "dtype": "uint8", "model_type": "yologeneric"}).encode()
        base = f"http://127.0.0.1:{port}"
        context = zmq.Context.instance()

        def frigate(index: int):
            s = context.socket(zmq.REQ)
            s.setsockopt(zmq.RCVTIMEO, 5000)
            s.setsockopt(zmq.LINGER, 0)
            s.connect(endpoint)
            s.send_multipart([json.dumps({"model_request": True, "model_name": HEF.name}).encode()])
            assert json.loads(s.recv_multipart()[0])["model_loaded"]
            payload = frame.tobytes()

            def call() -> bool:
                s.send_multipart([header, payload])
                return "error" not in json.loads(s.recv_multipart()[0])
            return call

        def http_image(index: int):
            session = requests.Session()
            url = f"{base}/inference?model_id=yolo&input_type=rgb24&width=320&height=320"
            payload = frame.tobytes()
            return lambda: session.post(url, data=payload, headers={"Content-Type": "application/octet-stream"}).status_code == 200

        def http_tensor(index: int):
            session = requests.Session()
            url = f"{base}/inference?model_id=yolo&shape=1,640,640,3"
            headers = {"Content-Type": "application/octet-stream", "Accept": "application/octet-stream"}
            return lambda: session.post(url, data=big, headers=headers).status_code == 200

        scenarios = [("ZeroMQ, Frigate's protocol: 320×320×3 uint8 → 20 rows", frigate),
                     ("HTTP image route: 320×320 rgb24 → detections JSON", http_image),
                     ("HTTP tensor route: 640×640×3 uint8 → raw NMS output", http_tensor)]
        rows = []
        with server:
            for title, make in scenarios:
                run(4, 1.0, make)  # warm-up
                for clients in (1, 4):
                    result = run(clients, args.duration, make)
                    rows.append(f"| {title} | {clients} | {result['rps']:.1f} | {result['p50_ms']:.3f} | {result['errors']} |")
                    print(rows[-1], flush=True)
        print("\n| scenario (sim_yolov8n.hef, simulated Hailo-8, zero compute) | clients | frames/s | p50 ms | errors |")
        print("|---|---|---|---|---|")
        print("\n".join(rows))
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
