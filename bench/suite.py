#!/usr/bin/env python3
"""The benchmark suite behind bench/run.sh (which builds the release binaries first).

1. The ceiling: the demo model run back-to-back in-process over every runtime configuration that
   fits the cores (callers x intra-op threads, spinning on and off), by `hailo8-service bench
   model --sweep` and by Python's own `onnxruntime` (bench/ort_python.py), before and after the
   HTTP runs. The best throughput and the best single-caller p50 of all of them are the ceiling:
   the best the runtime can do on the machine, not the service's defaults.
2. One service on a free 127.0.0.1 port with its defaults, the demo model (CPU) and simulated
   Hailo models; wrk (bench/wrk/scenario.lua) runs each HTTP scenario at 1, 4 and 16
   connections, while the CPU time of the service, of wrk and of everything else is recorded.
   CPU rows are given as ratios to the ceiling; Hailo rows (zero-compute simulator) with the
   service's CPU per request.
3. Overload: bench/overload.py at 4x the rate the service sustained, with per-request deadlines,
   on the CPU model and on a simulated Hailo device limited to a fixed frame rate.
4. Prints the tables and writes them between the markers in docs/performance.md.

Environment: BENCH_DURATION (seconds per wrk run and per sweep configuration, default 8 and 4),
BENCH_OVERLOAD_DURATION (default 20), BENCH_NO_DOCS=1 (print only), HAILO8_BINARY,
HAILO8_DEMO_MODEL, HAILO8_TEST_MODELS, HAILO8_TEST_IMAGES. Every load goes to 127.0.0.1 and
every loop is bounded in time.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_support import (  # noqa: E402
    REPO, Server, free_port, machine, print_table, render_markdown, scratch, wrk, write_docs,
)

BINARY = Path(os.environ.get("HAILO8_BINARY") or REPO / ".build/release/hailo8-service")
SIMULATOR = BINARY.parent / "libHailoRTSimulator.so"
DEMO = Path(os.environ.get("HAILO8_DEMO_MODEL") or REPO / "models/nudenet-320n.onnx")
TEST_MODELS = Path(os.environ.get("HAILO8_TEST_MODELS") or REPO / ".test-models")
IMAGES = Path(os.environ.get("HAILO8_TEST_IMAGES") or REPO / ".test-images")
DURATION = float(os.environ.get("BENCH_DURATION") or 8)
SWEEP_DURATION = max(2.0, DURATION / 2)
OVERLOAD_DURATION = float(os.environ.get("BENCH_OVERLOAD_DURATION") or 20)
CONNECTIONS = (1, 4, 16)
SIM_DEVICE_FPS = 200  # the simulated device of the Hailo overload scenario
SIM_HEFS = ("sim_zero_640.hef", "sim_yolov8n_zero.hef", "sim_detector_small.hef")


def require(path: Path, hint: str) -> Path:
    if not path.exists():
        sys.exit(f"missing {path}: {hint}")
    return path


def json_lines(command: list[str], env: dict[str, str], timeout: float) -> list[dict]:
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=timeout).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def sweep(env: dict[str, str], seconds: float) -> list[dict]:
    """Both runtimes over every configuration that fits the cores (see the module's doc)."""
    rows = []
    for row in json_lines([str(BINARY), "bench", "model", str(DEMO), "--sweep", "--json", "--duration", str(seconds),
                           "--warmup", "1", "--shape", "1,3,320,320"], env, 600):
        rows.append(dict(row, runtime="service (bench model)", callers=row["concurrency"]))
    for row in json_lines([sys.executable, str(REPO / "bench/ort_python.py"), str(DEMO), "--shape", "1,3,320,320",
                           "--duration", str(seconds)], env, 600):
        rows.append(dict(row, policy="fixed", run_threads=row["callers"], intra_op_threads_shared=row["intra_op_threads"]))
    return rows


def ceiling(rows: list[dict]) -> dict:
    """The best throughput and the best single-caller p50 of any fixed configuration."""
    fixed = [r for r in rows if r["policy"] == "fixed"]
    best = max(fixed, key=lambda r: r["runs_per_second"])
    fastest = min((r for r in fixed if r["callers"] == 1), key=lambda r: r["p50_ms"])
    return {"runs_per_second": best["runs_per_second"], "throughput_config": best,
            "p50_ms": fastest["p50_ms"], "latency_config": fastest}


def decode_ms(image: Path, side: int) -> float:
    """Median decode + letterbox of `image` to side x side on one thread (`bench image`)."""
    out = subprocess.run([str(BINARY), "bench", "image", str(image), "--size", str(side), "--iterations", "100"],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    return float(out.split(": median ", 1)[1].split(" ms", 1)[0])


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
    files["json_1080_hnms"] = json.dumps({"model_id": "hnms", "input_data": base64.b64encode(jpeg_1080).decode()}).encode()
    paths = {}
    for name, data in files.items():
        paths[name] = directory / name
        paths[name].write_bytes(data)
    paths["multipart_boundary"] = Path(boundary)
    return paths


def service(binary: Path, env: dict[str, str], work: Path, test_models: Path = TEST_MODELS) -> Server:
    """The service with its defaults, the demo model (CPU) and three simulated HEFs from
    `test_models`, on a free 127.0.0.1 port (not started: use it as a context manager)."""
    zero_hef, nms_hef, small_hef = (require(test_models / name, "run scripts/setup.sh") for name in SIM_HEFS)
    models = work / "models"
    models.mkdir(exist_ok=True)
    for source in (DEMO, zero_hef, nms_hef, small_hef):
        (models / source.name).write_bytes(source.read_bytes())
    return Server(binary, free_port(), env, work, [
        "--models-dir", str(models), "--data-dir", str(work / "data"), "--deepstack-model", "demo",
        "--preload", f"demo={DEMO.name}", "--preload", f"zero={zero_hef.name}", "--preload", f"hnms={nms_hef.name}",
        "--preload", f"small={small_hef.name}", "--log-level", "error"], models=4)


def scenarios(files: dict[str, Path]) -> list[tuple]:
    """(key, device, title, path, body, content type, accept) of every HTTP scenario."""
    boundary = str(files["multipart_boundary"])
    multipart = f"multipart/form-data; boundary={boundary}"
    octets = "application/octet-stream"
    return [
        ("raw", "cpu", "raw tensor, demo (octet-stream in and out)", "/inference?model_id=demo&shape=1,3,320,320",
         files["raw_demo"], octets, octets),
        ("deepstack", "cpu", "320×320 JPEG, DeepStack multipart", "/v1/vision/detection", files["multipart_320"], multipart, None),
        ("json1080", "cpu", "1920×1080 JPEG, base64 JSON", "/inference", files["json_1080"], "application/json", None),
        ("health", None, "GET /health", "/health", None, None, None),
        ("sim", "hailo", "640×640×3 uint8 raw, simulated Hailo (zero compute, 16-byte output)",
         "/inference?model_id=zero&shape=1,640,640,3", files["raw_640"], octets, octets),
        ("sim_deepstack", "hailo", "320×320 JPEG, DeepStack multipart, simulated Hailo yolov8n NMS (zero compute)",
         "/v1/vision/custom/hnms", files["multipart_320"], multipart, None),
        ("sim_json1080", "hailo", "1920×1080 JPEG, base64 JSON, simulated Hailo yolov8n NMS (zero compute)",
         "/inference", files["json_1080_hnms"], "application/json", None),
    ]


def main() -> int:
    require(BINARY, "run bench/run.sh (it builds the release binary)")
    require(SIMULATOR, "run bench/run.sh (it builds libHailoRTSimulator.so)")
    require(DEMO, "run scripts/setup.sh")
    for name in SIM_HEFS:
        require(TEST_MODELS / name, "run scripts/setup.sh")
    with scratch("hailo8-bench-") as work:
        env = dict(os.environ, HAILO8_HAILORT_LIBRARY=str(SIMULATOR), HAILO_SIM_STATE_DIR=str(work),
                   HAILO_SIM_FPS=str(SIM_DEVICE_FPS))
        results: dict = {"machine": machine(), "duration": DURATION, "sweep_duration": SWEEP_DURATION}

        # The sweeps run with no service up; their simulated board is their own.
        (work / "inprocess-sim").mkdir()
        inprocess_env = dict(env, HAILO_SIM_STATE_DIR=str(work / "inprocess-sim"))
        print(f"bench: ceiling sweep ({SWEEP_DURATION:.0f} s per configuration), before the HTTP runs", flush=True)
        results["sweep_before"] = sweep(inprocess_env, SWEEP_DURATION)
        results["decode_1080_ms"] = decode_ms(IMAGES / "astronaut-1080p.jpg", 320)

        files = bodies(work)
        server = service(BINARY, env, work)
        base = f"http://127.0.0.1:{server.port}"
        results["http"] = []
        with server:
            print(f"bench: service on {base} (pid {server.pid}) with its defaults; wrk {DURATION:.0f} s per run", flush=True)
            for key, device, title, path, body, content_type, accept in scenarios(files):
                wrk(base + path, body, content_type, accept, 16, 2, server.pid)  # warm-up
                for connections in CONNECTIONS:
                    run = wrk(base + path, body, content_type, accept, connections, DURATION, server.pid)
                    run.update(key=key, device=device, title=title, connections=connections)
                    results["http"].append(run)
                    print(f"  {title}, {connections} conn: {run['rps']:.1f} req/s, p50 {run['p50_ms']:.3f} ms, "
                          f"p99 {run['p99_ms']:.3f} ms, errors {run['errors']}, non-2xx {run['non2xx']}, "
                          f"service CPU {1000 * run['server_cpu'] / max(run['rps'], 1e-9):.2f} ms/request", flush=True)
            results["overload"] = []
            overloads = [
                ("CPU, demo model, raw tensor", "raw", "/inference?model_id=demo&shape=1,3,320,320&timeout_ms=2000",
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

        print("bench: ceiling sweep again, after the HTTP runs", flush=True)
        results["sweep_after"] = sweep(inprocess_env, SWEEP_DURATION)
        before, after = ceiling(results["sweep_before"]), ceiling(results["sweep_after"])
        # The stricter of the two: the best the runtime did at either time.
        fastest = max((before, after), key=lambda c: c["runs_per_second"])
        quickest = min((before, after), key=lambda c: c["p50_ms"])
        results["ceiling"] = {"runs_per_second": fastest["runs_per_second"], "throughput_config": fastest["throughput_config"],
                              "p50_ms": quickest["p50_ms"], "latency_config": quickest["latency_config"], "before": before, "after": after}
        raw = REPO / ".cache" / "bench-results.json"
        raw.parent.mkdir(exist_ok=True)
        raw.write_text(json.dumps(results, indent=1))
        print_table(results)
        if os.environ.get("BENCH_NO_DOCS") != "1":
            write_docs(REPO / "docs/performance.md", render_markdown(results))
            print("bench: wrote docs/performance.md")
        print(f"bench: raw results in {raw}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
