"""Smoke checks of the benchmark tools, so that they cannot rot: `hailo8-service bench model` on
a small ONNX model and on a simulated HEF, and bench/overload.py against a live service. The
benchmarks themselves (bench/run.sh) are not tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import BINARY, REPO_ROOT, TEST_MODELS, StartServer, require_artifacts
from test_hailo import SIMULATOR


def bench(model: Path, *arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    require_artifacts()
    return subprocess.run([str(BINARY), "bench", "model", str(model), "--duration", "1", "--warmup", "0", *arguments],
                          env=env, capture_output=True, text=True, timeout=60)


def test_bench_model_prints_runs_per_second() -> None:
    done = bench(TEST_MODELS / "affine.onnx", "--concurrency", "1,2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2, done.stdout
    for line, callers in zip(lines, ("1 caller:", "2 callers:")):
        assert line.startswith("affine.onnx on cpu, " + callers), line
        match = re.search(r": ([0-9.]+) runs/s, p50 ([0-9.]+) ms, p99 ([0-9.]+) ms", line)
        assert match, line
        assert float(match.group(1)) > 10 and 0 < float(match.group(2)) <= float(match.group(3)), line


def test_bench_model_json_on_the_simulator(tmp_path: Path) -> None:
    assert SIMULATOR.is_file(), f"{SIMULATOR} is missing: build the HailoRTSimulator product"
    env = dict(os.environ, HAILO8_HAILORT_LIBRARY=str(SIMULATOR), HAILO_SIM_STATE_DIR=str(tmp_path))
    done = bench(TEST_MODELS / "sim_zero_640.hef", "--json", "--layer", "model", env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["device"] == "hailo" and result["layer"] == "model" and result["concurrency"] == 1, result
    assert result["runs"] > 10 and result["runs_per_second"] > 10, result


def test_bench_model_sweep_covers_the_configurations_that_fit_the_cores() -> None:
    done = bench(TEST_MODELS / "affine.onnx", "--sweep", "--json", "--shape", "1,3", "--duration", "0.2")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    cores = len(os.sched_getaffinity(0))
    fixed = [r for r in rows if r["policy"] == "fixed"]
    for spinning in (True, False):
        configs = {(r["concurrency"], r["intra_op_threads"]) for r in fixed if r["spinning"] == spinning}
        assert configs == {(c, t) for t in range(1, cores + 1) for c in range(1, cores // t + 1)}, rows
    assert all(r["concurrency"] * r["intra_op_threads"] <= cores and r["run_threads"] == r["concurrency"] for r in fixed)
    default = [r for r in rows if r["policy"] == "default"]
    assert [r["concurrency"] for r in default] == [1, cores, 4 * cores], rows
    assert all(r["runs"] > 0 and r["layer"] == "model" for r in rows), rows


def test_ort_python_sweeps_the_same_configurations() -> None:
    done = subprocess.run([sys.executable, str(REPO_ROOT / "bench/ort_python.py"), str(TEST_MODELS / "affine.onnx"),
                           "--shape", "1,3", "--duration", "0.2", "--warmup", "0.1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    cores = len(os.sched_getaffinity(0))
    assert len(rows) == 2 * sum(cores // t for t in range(1, cores + 1)), rows
    assert all(r["runs"] > 0 and r["callers"] * r["intra_op_threads"] <= cores for r in rows), rows


def test_bench_model_refuses_a_missing_model(tmp_path: Path) -> None:
    done = bench(tmp_path / "missing.onnx")
    assert done.returncode != 0
    assert "missing.onnx" in done.stderr, done.stderr


def test_overload_generator_counts_answers(start_server: StartServer, tmp_path: Path) -> None:
    s = start_server(args=["--preload", "aff=affine.onnx"])
    body = tmp_path / "body"
    body.write_bytes(bytes(3 * 4))  # affine.onnx: float32 [batch, 3]
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench/overload.py"), "--url", f"{s.url}/inference?model_id=aff&shape=1,3",
         "--body", str(body), "--rate", "50", "--duration", "1", "--deadline-ms", "20000", "--pid", str(s.pid)],
        capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["sent"] == 50 and report["ok"] == 50 and report["late"] == 0, report
    assert report["statuses"] == {"200": 50}, report
    assert report["rss_kib"] and all(kib > 1000 for _, kib in report["rss_kib"]), report


def test_frames_do_not_accumulate_in_memory(start_server: StartServer, tmp_path: Path) -> None:
    """Each 640x640x3 frame (1.2 MB) must be freed when its answer is sent, not at its deadline:
    800 frames that stayed alive would add about 1 GB."""
    from concurrent.futures import ThreadPoolExecutor

    import requests
    from test_hailo import start_hailo

    s = start_hailo(start_server, tmp_path, {"HAILO8_REQUEST_TIMEOUT_MS": "60000"})
    assert s.post("/models/load", json={"model_path": "sim_zero_640.hef", "model_id": "zero"}).status_code == 201
    frame = os.urandom(640 * 640 * 3)

    def send(count: int) -> None:
        def one(_: int) -> int:
            return requests.post(f"{s.url}/inference?model_id=zero&shape=1,640,640,3", data=frame,
                                 headers={"Content-Type": "application/octet-stream",
                                          "Accept": "application/octet-stream"}, timeout=30).status_code
        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(one, range(count))) == {200}

    def rss_mib() -> float:
        with open(f"/proc/{s.pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024

    send(200)  # the allocator's caches settle
    before = rss_mib()
    send(800)
    grown = rss_mib() - before
    assert grown < 300, f"RSS grew by {grown:.0f} MiB over 800 frames of 1.2 MB"


def test_frigate_zmq_bench_prints_its_table(tmp_path: Path) -> None:
    assert SIMULATOR.is_file(), f"{SIMULATOR} is missing: build the HailoRTSimulator product"
    env = dict(os.environ, HAILO8_BINARY=str(BINARY), HAILO8_SIMULATOR_LIBRARY=str(SIMULATOR), HAILO8_TEST_MODELS=str(TEST_MODELS))
    # A generous deadline: a frame late on a busy machine is not what this test checks.
    done = subprocess.run([sys.executable, str(REPO_ROOT / "bench/frigate_zmq.py"), "--duration", "0.3", "--zmq-timeout-ms", "30000"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ZeroMQ") or line.startswith("| HTTP")]
    assert len(rows) == 12, done.stdout  # 6 rows as they come, then the table
    assert all(line.rstrip().endswith("| 0 |") for line in rows), done.stdout


def test_compare_runs_every_scenario_on_both_binaries() -> None:
    """bench/compare.py with the same binary on both sides: every scenario answered without an
    error and a table row for each (speeds are not checked: that is the benchmark's job)."""
    require_artifacts()
    done = subprocess.run([sys.executable, str(REPO_ROOT / "bench/compare.py"), str(BINARY), str(BINARY),
                           "--rounds", "1", "--seconds", "1", "--connections", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and " req/s" not in line]
    assert len(rows) == 7 and all(re.search(r"\| [0-9]+ % \|", row) for row in rows), done.stdout
