#!/usr/bin/env python3
"""The benchmark suite behind bench/run.sh (which builds the release binaries first).

1. One service on a free 127.0.0.1 port with the demo model (CPU) and simulated Hailo models; wrk
   (bench/wrk/scenario.lua) runs each HTTP scenario at 1, 4 and 16 connections, while the CPU time
   of the service, of wrk and of everything else is recorded.
2. Just before each wrk run, its in-process ceiling: `hailo8-service bench model` on the same model
   with as many callers as connections (paired, because other work on the machine moves both).
3. Overload: bench/overload.py at 4x the rate the service sustained, with per-request deadlines,
   on the CPU model and on a simulated Hailo device limited to a fixed frame rate.
4. Prints a table and writes the results between the markers in docs/performance.md.

Environment: BENCH_DURATION (seconds per wrk run, default 8), BENCH_OVERLOAD_DURATION (default
20), BENCH_NO_DOCS=1 (print only), HAILO8_BINARY, HAILO8_DEMO_MODEL, HAILO8_TEST_MODELS,
HAILO8_TEST_IMAGES. Every load goes to 127.0.0.1 and every loop is bounded in time.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_support import (  # noqa: E402
    REPO, Server, busy_seconds, children_seconds, free_port, machine, print_table, render_markdown, wrk, write_docs,
)

BINARY = Path(os.environ.get("HAILO8_BINARY") or REPO / ".build/release/hailo8-service")
SIMULATOR = BINARY.parent / "libHailoRTSimulator.so"
DEMO = Path(os.environ.get("HAILO8_DEMO_MODEL") or REPO / "models/nudenet-320n.onnx")
TEST_MODELS = Path(os.environ.get("HAILO8_TEST_MODELS") or REPO / ".test-models")
IMAGES = Path(os.environ.get("HAILO8_TEST_IMAGES") or REPO / ".test-images")
DURATION = float(os.environ.get("BENCH_DURATION") or 8)
OVERLOAD_DURATION = float(os.environ.get("BENCH_OVERLOAD_DURATION") or 20)
CONNECTIONS = (1, 4, 16)
SIM_DEVICE_FPS = 200  # the simulated device of the Hailo overload scenario


def require(path: Path, hint: str) -> Path:
    if not path.exists():
        sys.exit(f"missing {path}: {hint}")
    return path


def inprocess(model: Path, env: dict[str, str], callers: int, seconds: float) -> dict:
    """One `bench model` measurement, with the CPU it and everything else used meanwhile."""
    command = [str(BINARY), "bench", "model", str(model), "--json", "--duration", str(seconds),
               "--warmup", "1", "--concurrency", str(callers)]
    children, busy, started = children_seconds(), busy_seconds(), time.monotonic()
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=seconds + 120).stdout
    wall = time.monotonic() - started
    bench_cpu = children_seconds() - children
    result = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    result.update(bench_cpu=bench_cpu / wall, other_cpu=max(0.0, (busy_seconds() - busy - bench_cpu) / wall))
    return result


def bodies(directory: Path) -> dict[str, Path]:
    import numpy as np

    rng = np.random.default_rng(20250101)
    files = {
        "raw_demo": rng.random((1, 3, 320, 320), dtype=np.float32).tobytes(),
        "raw_640": rng.integers(0, 256, (1, 640, 640, 3), dtype=np.uint8).tobytes(),
        "raw_64": rng.integers(0, 256, (1, 64, 64, 3), dtype=np.uint8).tobytes(),
    }
    jpeg_320 = require(IMAGES / "small-320.jpg", "run scripts/setup.sh").read_bytes()
    jpeg_1080 = require(IMAGES / "astronaut-1080p.jpg", "run scripts/setup.sh").read_bytes()
    boundary = "hailo8benchboundary"
    files["multipart_320"] = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"small-320.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n").encode() + jpeg_320 + f"\r\n--{boundary}--\r\n".encode()
    files["json_1080"] = json.dumps({"model_id": "demo", "input_data": base64.b64encode(jpeg_1080).decode()}).encode()
    paths = {}
    for name, data in files.items():
        paths[name] = directory / name
        paths[name].write_bytes(data)
    paths["multipart_boundary"] = Path(boundary)
    return paths


def main() -> int:
    require(BINARY, "run bench/run.sh (it builds the release binary)")
    require(SIMULATOR, "run bench/run.sh (it builds libHailoRTSimulator.so)")
    require(DEMO, "run scripts/setup.sh")
    zero_hef = require(TEST_MODELS / "sim_zero_640.hef", "run scripts/setup.sh")
    small_hef = require(TEST_MODELS / "sim_detector_small.hef", "run scripts/setup.sh")
    work = Path(tempfile.mkdtemp(prefix="hailo8-bench-"))
    env = dict(os.environ, HAILO8_HAILORT_LIBRARY=str(SIMULATOR), HAILO_SIM_STATE_DIR=str(work),
               HAILO_SIM_FPS=str(SIM_DEVICE_FPS))
    results: dict = {"machine": machine(), "duration": DURATION}

    # The in-process runs use their own simulated board (the service owns the other one).
    (work / "inprocess-sim").mkdir()
    inprocess_env = dict(env, HAILO_SIM_STATE_DIR=str(work / "inprocess-sim"))
    ceilings = {"ceiling_demo": DEMO, "ceiling_zero": zero_hef}

    files = bodies(work)
    models = work / "models"
    models.mkdir()
    for source in (DEMO, zero_hef, small_hef):
        (models / source.name).write_bytes(source.read_bytes())
    port = free_port()
    server = Server(BINARY, port, env, work, [
        "--models-dir", str(models), "--data-dir", str(work / "data"), "--deepstack-model", "demo",
        "--preload", f"demo={DEMO.name}", "--preload", f"zero={zero_hef.name}", "--preload", f"small={small_hef.name}",
        "--log-level", "error"])
    base = f"http://127.0.0.1:{port}"
    boundary = str(files["multipart_boundary"])
    scenarios = [
        ("raw", "raw tensor, demo (octet-stream in and out)", f"/inference?model_id=demo&shape=1,3,320,320",
         files["raw_demo"], "application/octet-stream", "application/octet-stream", "ceiling_demo"),
        ("deepstack", "320×320 JPEG, DeepStack multipart", "/v1/vision/detection",
         files["multipart_320"], f"multipart/form-data; boundary={boundary}", None, "ceiling_demo"),
        ("json1080", "1920×1080 JPEG, base64 JSON", "/inference",
         files["json_1080"], "application/json", None, "ceiling_demo"),
        ("health", "GET /health", "/health", None, None, None, None),
        ("sim", "640×640×3 uint8, simulated Hailo, zero compute", "/inference?model_id=zero&shape=1,640,640,3",
         files["raw_640"], "application/octet-stream", "application/octet-stream", "ceiling_zero"),
    ]
    results["http"] = []
    with server:
        print(f"bench: service on {base} (pid {server.pid}); wrk {DURATION:.0f} s per run, "
              "each after its in-process ceiling", flush=True)
        for key, title, path, body, content_type, accept, ceiling in scenarios:
            wrk(base + path, body, content_type, accept, 16, 2, server.pid)  # warm-up
            for connections in CONNECTIONS:
                reference = inprocess(ceilings[ceiling], inprocess_env, connections, DURATION) if ceiling else None
                run = wrk(base + path, body, content_type, accept, connections, DURATION, server.pid)
                run.update(key=key, title=title, connections=connections, ceiling=reference)
                results["http"].append(run)
                against = f" (in-process {reference['runs_per_second']:.1f} runs/s, p50 {reference['p50_ms']:.3f} ms)" if reference else ""
                print(f"  {title}, {connections} conn: {run['rps']:.1f} req/s, p50 {run['p50_ms']:.3f} ms, "
                      f"p99 {run['p99_ms']:.3f} ms, errors {run['errors']}, non-2xx {run['non2xx']}{against}", flush=True)
        results["overload"] = []
        overloads = [
            ("CPU, demo model, raw tensor", "raw", f"/inference?model_id=demo&shape=1,3,320,320&timeout_ms=2000",
             files["raw_demo"], 2000),
            (f"simulated Hailo at {SIM_DEVICE_FPS} frames/s, 64×64×3 raw", None,
             "/inference?model_id=small&shape=1,64,64,3&timeout_ms=1000", files["raw_64"], 1000),
        ]
        for title, key, path, body, deadline in overloads:
            sustained = max(r["rps"] for r in results["http"] if r["key"] == key) if key else float(SIM_DEVICE_FPS)
            rate = 4 * sustained
            print(f"bench: overload '{title}' at {rate:.0f} req/s for {OVERLOAD_DURATION:.0f} s", flush=True)
            out = subprocess.run(
                [sys.executable, str(REPO / "bench/overload.py"), "--url", base + path, "--body", str(body),
                 "--rate", f"{rate:.1f}", "--duration", str(OVERLOAD_DURATION), "--deadline-ms", str(deadline),
                 "--pid", str(server.pid)],
                check=True, capture_output=True, text=True, timeout=OVERLOAD_DURATION + 60).stdout
            report = json.loads(out)
            report.update(title=title, sustained=sustained)
            results["overload"].append(report)
            print(f"  sent {report['sent']}: ok {report['ok']}, refused {report['refused']}, other {report['other_status']}, "
                  f"late {report['late']}, errors {report['connection_errors']}; ok p99 {report['ok_p99_ms']} ms; "
                  f"RSS {report['rss_kib'][0][1] // 1024} → {report['rss_kib'][-1][1] // 1024} MiB", flush=True)
        results["rss_after_kib"] = server.rss_kib()

    (work / "results.json").write_text(json.dumps(results, indent=1))
    print_table(results)
    if os.environ.get("BENCH_NO_DOCS") != "1":
        write_docs(REPO / "docs/performance.md", render_markdown(results))
        print("bench: wrote docs/performance.md")
    print(f"bench: raw results in {work / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
