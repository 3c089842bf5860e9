"""Triton's perf_analyzer (from the tritonclient 2.51.0 wheel, installed by
scripts/perf-analyzer.sh) measures the release binary and runs to completion: it reads the
model's config, sends inferences at concurrency 1 and 2, and checks the server-side statistics
between measurements, over HTTP with binary and with JSON tensors, and over gRPC. The window is
short: this checks that it works, not how fast."""

from __future__ import annotations

import json
import platform
import subprocess
from pathlib import Path

import pytest
import tritonclient.http as httpclient

from conftest import REPO_ROOT, Server, StartServer

MODEL = "detector"
RUN_TIMEOUT = 300


@pytest.fixture(scope="module")
def perf_analyzer() -> Path:
    if platform.machine() != "x86_64":
        pytest.skip("the tritonclient wheel ships perf_analyzer for x86_64 only")
    done = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "perf-analyzer.sh")], capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        pytest.fail(f"scripts/perf-analyzer.sh failed:\n{done.stderr[-3000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def pserver(start_server: StartServer) -> Server:
    server = start_server(args=["--grpc-port", "auto"])
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{server.port}", network_timeout=60.0)
    client.load_model(MODEL, config=json.dumps({"model_path": "nudenet-320n.onnx"}))
    client.close()
    return server


def measure(perf_analyzer: Path, server: Server, tmp_path: Path, *extra: str, protocol: str = "http") -> tuple[str, list[dict[str, str]]]:
    """Runs perf_analyzer at concurrency 1 and 2 with a 500 ms window; returns its report and
    the rows of its CSV file."""
    csv = tmp_path / "perf.csv"
    port = server.port if protocol == "http" else server.ports["grpc"]
    command = [
        str(perf_analyzer), "-m", MODEL, "-u", f"127.0.0.1:{port}", "-i", protocol,
        "--shape", "images:1,3,320,320", "--concurrency-range", "1:2",
        "--measurement-interval", "500", "-p", "500", "--max-trials", "4",
        # Accept any spread: the CI machine is shared; stability is not what is checked here.
        "--stability-percentage", "1000",
        "-f", str(csv), *extra,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    report = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command)} exited with {done.returncode}:\n{report[-4000:]}\n{server.log_tail()}"
    lines = csv.read_text().strip().splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    return report, rows


def check(report: str, rows: list[dict[str, str]]) -> None:
    assert sorted(row["Concurrency"] for row in rows) == ["1", "2"], rows
    for row in rows:
        assert float(row["Inferences/Second"]) > 0
        # The server-side parts perf_analyzer takes from /v2/models/detector/stats.
        assert int(row["Server Compute Infer"]) > 0, row
    assert "compute input" in report and "compute infer" in report and "compute output" in report, report


def test_http_binary_inputs(perf_analyzer: Path, pserver: Server, tmp_path: Path) -> None:
    report, rows = measure(perf_analyzer, pserver, tmp_path)
    check(report, rows)


def test_http_json_inputs(perf_analyzer: Path, pserver: Server, tmp_path: Path) -> None:
    """perf_analyzer's random FP32 data in JSON holds bare NaN and infinities: the service reads
    them as Triton does, and answers in JSON too."""
    report, rows = measure(perf_analyzer, pserver, tmp_path, "--input-tensor-format", "json", "--output-tensor-format", "json")
    check(report, rows)


def test_grpc(perf_analyzer: Path, pserver: Server, tmp_path: Path) -> None:
    report, rows = measure(perf_analyzer, pserver, tmp_path, protocol="grpc")
    check(report, rows)
