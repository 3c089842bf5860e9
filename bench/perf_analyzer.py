"""Triton's perf_analyzer against the release binary over HTTP (binary tensors) and gRPC at
concurrency 1, 2, 4 and 8, on the demo detector (nudenet-320n.onnx, ONNX Runtime on the CPU,
1×3×320×320 FP32 random input). perf_analyzer runs on the same machine as the service, so the
figures are the service and its client together. Prints a Markdown table.

    swift build -c release --product hailo8-service && bash scripts/perf-analyzer.sh
    .venv/bin/python bench/perf_analyzer.py [--window 3000]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
from pathlib import Path

from bench_support import REPO, Server, free_port, scratch

BIN = Path(os.environ.get("HAILO8_BINARY") or REPO / ".build" / "release" / "hailo8-service")
DEMO = Path(os.environ.get("HAILO8_DEMO_MODEL") or REPO / "models" / "nudenet-320n.onnx")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--window", type=int, default=3000, help="measurement window in ms")
    args = parser.parse_args()
    tool = Path(subprocess.run(["bash", str(REPO / "scripts" / "perf-analyzer.sh")], check=True,
                               capture_output=True, text=True).stdout.strip().splitlines()[-1])
    for path in (BIN, DEMO):
        if not path.is_file():
            raise SystemExit(f"{path} is missing: build the release binary and run scripts/setup.sh")
    with scratch("hailo8-perf-analyzer-") as work:
        (work / "models").mkdir()
        (work / "models" / DEMO.name).write_bytes(DEMO.read_bytes())
        port, grpc_port = free_port(), free_port()
        server = Server(BIN, port, dict(os.environ), work, [
            "--models-dir", str(work / "models"), "--data-dir", str(work / "data"), "--grpc-port", str(grpc_port),
            "--preload", f"demo={DEMO.name}", "--log-level", "error"], models=1)
        rows = []
        with server:
            for protocol, target in (("http", port), ("grpc", grpc_port)):
                for concurrency in (1, 2, 4, 8):
                    report = work / f"{protocol}-{concurrency}.csv"
                    subprocess.run([
                        str(tool), "-m", "demo", "-u", f"127.0.0.1:{target}", "-i", protocol,
                        "--shape", "images:1,3,320,320", "--concurrency-range", f"{concurrency}:{concurrency}",
                        "--measurement-interval", str(args.window), "--stability-percentage", "1000", "--max-trials", "3",
                        "-f", str(report)], check=True, capture_output=True, text=True, timeout=600)
                    with open(report) as f:
                        for row in csv.DictReader(f):
                            rows.append((protocol, int(row["Concurrency"]), float(row["Inferences/Second"]),
                                         int(row["p50 latency"]) / 1000, int(row["p99 latency"]) / 1000,
                                         int(row["Server Queue"]) / 1000, int(row["Server Compute Infer"]) / 1000))
        print(f"perf_analyzer 2.51.0, {args.window} ms windows, {os.cpu_count()} CPUs\n")
        print("| protocol | concurrency | infer/s | p50 ms | p99 ms | server queue ms | server compute infer ms |")
        print("|---|---|---|---|---|---|---|")
        for protocol, concurrency, rate, p50, p99, queue, infer in sorted(rows):
            print(f"| {protocol} | {concurrency} | {rate:.1f} | {p50:.1f} | {p99:.1f} | {queue:.1f} | {infer:.1f} |")


if __name__ == "__main__":
    main()
