"""Helpers of bench/suite.py: the service process, wrk runs, the machine, the report."""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
BEGIN = "<!-- BEGIN bench/run.sh: generated, do not edit by hand -->"
END = "<!-- END bench/run.sh -->"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def busy_seconds() -> float:
    """CPU time all processes have used so far, in seconds of one core (from /proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICKS


def children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Server:
    """The release binary on 127.0.0.1:port, stopped with SIGTERM when the block ends."""

    def __init__(self, binary: Path, port: int, env: dict[str, str], work: Path, arguments: list[str], models: int = 3) -> None:
        self.command = [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), *arguments]
        self.models = models  # ready models to wait for
        self.env, self.port, self.log = env, port, work / "server.log"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process
        return self.process.pid

    def rss_kib(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(self.command, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=open(self.log, "wb"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the service exited with {self.process.returncode}: see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/models", timeout=2) as r:
                    models = json.load(r)
                listed = models.get("models", models) if isinstance(models, dict) else models
                if len(listed) >= self.models and all(m.get("state") == "ready" for m in listed):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        sys.exit(f"the service did not start with its models within 60 s: see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wrk(url: str, body: Path | None, content_type: str | None, accept: str | None,
        connections: int, seconds: float, server_pid: int) -> dict:
    """One wrk run; returns its figures and the CPU (in cores) the service and wrk used."""
    env = dict(os.environ, BENCH_BODY=str(body or ""), BENCH_CONTENT_TYPE=content_type or "", BENCH_ACCEPT=accept or "")
    command = ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds:g}s",
               "--timeout", "10s", "--latency", "-s", str(REPO / "bench/wrk/scenario.lua"), url]
    server_before, children_before, busy_before = cpu_seconds(server_pid), children_seconds(), busy_seconds()
    started = time.monotonic()
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=seconds + 30).stdout
    wall = time.monotonic() - started
    server_cpu = cpu_seconds(server_pid) - server_before
    wrk_cpu = children_seconds() - children_before
    other_cpu = busy_seconds() - busy_before - server_cpu - wrk_cpu
    line = next((l for l in out.splitlines() if l.startswith("BENCH_JSON ")), None)
    if line is None:
        sys.exit(f"wrk printed no summary:\n{out}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000, "requests": raw["requests"],
        "errors": raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"],
        "non2xx": raw["non2xx"],
        "server_cpu": server_cpu / wall, "wrk_cpu": wrk_cpu / wall, "other_cpu": max(0.0, other_cpu / wall),
    }


def machine() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(next(l for l in f if l.startswith("MemTotal:")).split()[1])
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].split(" Copyright")[0].strip()
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(), "load_before": os.getloadavg()[0], "wrk": wrk_version,
        "date": time.strftime("%Y-%m-%d"),
    }


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def ratio(run: dict) -> str:
    return f"{100 * run['rps'] / run['ceiling']['runs_per_second']:.0f}%" if run.get("ceiling") else "–"


def http_rows(results: dict) -> list[str]:
    rows = ["| scenario | conn | req/s | p50 ms | p99 ms | errors / non-2xx | in-process ceiling runs/s (p50 ms) | ratio | added p50 ms | CPU: service / wrk / other processes |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for run in results["http"]:
        c = run.get("ceiling")
        ceiling = f"{c['runs_per_second']:.1f} ({c['p50_ms']:.3f})" if c else "–"
        added = f"{run['p50_ms'] - c['p50_ms']:+.3f}" if c else "–"
        rows.append(f"| {run['title']} | {run['connections']} | {run['rps']:.1f} | {run['p50_ms']:.3f} | {run['p99_ms']:.3f} "
                    f"| {run['errors']} / {run['non2xx']} | {ceiling} | {ratio(run)} | {added} | {run['server_cpu']:.2f} / {run['wrk_cpu']:.2f} / {run['other_cpu']:.2f} |")
    return rows


def overload_rows(results: dict) -> list[str]:
    rows = ["| scenario | sustained req/s | offered req/s | deadline ms | sent | 2xx | 429/503 | other status | late or unanswered | connection errors | 2xx p50 / p99 ms | slowest answer ms | RSS MiB start → max → end | generator lag ms |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results["overload"]:
        rss = [v for _, v in r["rss_kib"]] or [0]
        others = ", ".join(f"{k}: {v}" for k, v in r["statuses"].items() if k not in ("200", "429", "503"))
        rows.append(f"| {r['title']} | {r['sustained']:.0f} | {r['rate']:.0f} | {r['deadline_ms']:.0f} | {r['sent']} | {r['ok']} "
                    f"| {r['refused']} | {r['other_status']}{f' ({others})' if others else ''} | {r['late']} | {r['connection_errors']} "
                    f"| {fmt(r['ok_p50_ms'])} / {fmt(r['ok_p99_ms'])} | {fmt(r['answer_max_ms'])} "
                    f"| {rss[0] / 1024:.0f} → {max(rss) / 1024:.0f} → {rss[-1] / 1024:.0f} | {r['max_schedule_lag_ms']:.0f} |")
    return rows


def ceiling_rows(results: dict) -> list[str]:
    rows = ["| model | before the HTTP row | callers | runs/s | p50 ms | p99 ms | CPU: bench / other processes |",
            "|---|---|---|---|---|---|---|"]
    for run in results["http"]:
        if r := run.get("ceiling"):
            rows.append(f"| {r['model']} ({r['device']}) | {run['title']} | {r['concurrency']} | {r['runs_per_second']:.1f} "
                        f"| {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {r['bench_cpu']:.2f} / {r['other_cpu']:.2f} |")
    return rows


def render_markdown(results: dict) -> str:
    m = results["machine"]
    lines = [BEGIN, "",
             f"Measured {m['date']} by `bench/run.sh`: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, "
             f"Linux {m['kernel']}, {m['wrk']}; load average {m['load_before']:.2f} when the run began. "
             f"wrk runs {results['duration']:.0f} s per row, after a 2 s warm-up per scenario; its threads are "
             "min(connections, 2). Each HTTP row's ceiling was measured just before it, with as many callers as "
             "connections, so that both saw the same machine. CPU columns are cores used on average "
             "(2.00 = both cores); \"other processes\" is everything else that ran on the machine meanwhile.", "",
             "#### In-process ceiling (`hailo8-service bench model`, no HTTP)", "", *ceiling_rows(results), "",
             "#### HTTP (wrk, keep-alive connections on 127.0.0.1)", "", *http_rows(results), "",
             "#### Overload (bench/overload.py: fixed arrival rate, 4× the sustained rate)", "", *overload_rows(results), "",
             END]
    return "\n".join(lines)


def write_docs(path: Path, block: str) -> None:
    text = path.read_text()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Service throughput\n\n" + block + "\n"
    path.write_text(text)


def print_table(results: dict) -> None:
    print()
    for line in ceiling_rows(results) + [""] + http_rows(results) + [""] + overload_rows(results):
        print(line)
    print()
