"""KServe v2 infer with JSON tensors against the same request with binary tensors (Triton's
binary data extension), on one keep-alive connection, on the demo detector (nudenet-320n.onnx,
ONNX Runtime on the CPU): a 1×3×320×320 FP32 input with image-like values in [0, 1), written
as tritonclient.http writes them (`json.dumps` of the float32 values as Python floats), and the
[1, 22, 2100] FP32 output. The bodies are made once, before timing. Prints a Markdown table.

    swift build -c release --product hailo8-service
    .venv/bin/python bench/kserve_json.py [--requests 30]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np
import requests

from bench_support import REPO, Server, free_port, scratch

BIN = Path(os.environ.get("HAILO8_BINARY") or REPO / ".build" / "release" / "hailo8-service")
DEMO = Path(os.environ.get("HAILO8_DEMO_MODEL") or REPO / "models" / "nudenet-320n.onnx")
HEADER_LENGTH = "Inference-Header-Content-Length"


def bodies(image: np.ndarray) -> dict[str, tuple[bytes, dict[str, str]]]:
    tensor = {"name": "images", "shape": list(image.shape), "datatype": "FP32"}
    raw = image.astype("<f4").tobytes()
    binary_header = json.dumps({
        "inputs": [{**tensor, "parameters": {"binary_data_size": len(raw)}}],
        "parameters": {"binary_data_output": True},
    }).encode()
    json_in = {"inputs": [{**tensor, "data": image.flatten().tolist()}]}
    json_binary_out = {**json_in, "parameters": {"binary_data_output": True}}
    return {
        "binary in, binary out": (binary_header + raw, {HEADER_LENGTH: str(len(binary_header)), "Content-Type": "application/octet-stream"}),
        "JSON in, binary out": (json.dumps(json_binary_out).encode(), {"Content-Type": "application/json"}),
        "JSON in, JSON out": (json.dumps(json_in).encode(), {"Content-Type": "application/json"}),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    for path in (BIN, DEMO):
        if not path.is_file():
            raise SystemExit(f"{path} is missing: build the release binary and run scripts/setup.sh")
    with scratch("hailo8-kserve-json-") as work:
        (work / "models").mkdir()
        (work / "models" / DEMO.name).write_bytes(DEMO.read_bytes())
        port = free_port()
        server = Server(BIN, port, dict(os.environ), work, [
            "--models-dir", str(work / "models"), "--data-dir", str(work / "data"),
            "--preload", f"demo={DEMO.name}", "--log-level", "error"], models=1)
        image = np.random.default_rng(0).random((1, 3, 320, 320), dtype=np.float32)
        cases = bodies(image)
        rows = []
        with server, requests.Session() as session:
            url = f"http://127.0.0.1:{port}/v2/models/demo/infer"
            for name, (body, headers) in cases.items():
                times = []
                for i in range(args.requests + 3):
                    started = time.perf_counter()
                    response = session.post(url, data=body, headers=headers, timeout=60)
                    content = response.content
                    elapsed = time.perf_counter() - started
                    response.raise_for_status()
                    if name.endswith("JSON out"):
                        json.loads(content)  # the answer is JSON (with bare NaN if any), not timed above
                    if i >= 3:
                        times.append(elapsed * 1000)
                times.sort()
                rows.append((name, len(body), statistics.median(times), times[int(len(times) * 0.9) - 1]))
        base = rows[0][2]
        print(f"{args.requests} requests each, one connection, after 3 warm-up requests; {os.cpu_count()} CPUs, "
              f"load {os.getloadavg()[0]:.1f} before the last row\n")
        print("| request (1×3×320×320 FP32 → [1, 22, 2100] FP32) | body bytes | p50 ms | p90 ms | p50 / binary |")
        print("|---|---|---|---|---|")
        for name, size, p50, p90 in rows:
            print(f"| {name} | {size:,} | {p50:.1f} | {p90:.1f} | {p50 / base:.2f}× |")


if __name__ == "__main__":
    main()
