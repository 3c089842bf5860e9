"""Helpers of bench/suite.py: the service process, wrk runs, the machine, the report."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
BEGIN = "<!-- BEGIN bench/run.sh: generated, do not edit by hand -->"
END = "<!-- END bench/run.sh -->"


@contextlib.contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A fresh directory for one run's files (models, data, the service's server.log): removed
    when the run ends, kept (and named) when it fails."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield work
    except BaseException:
        print(f"bench: kept {work} for a look at what failed", file=sys.stderr)
        raise
    shutil.rmtree(work, ignore_errors=True)


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
    """The release binary on 127.0.0.1:port, stopped with SIGTERM when the block ends. Port 0: a
    free port of the service's choosing, read from its --port-file once it listens."""

    def __init__(self, binary: Path, port: int, env: dict[str, str], work: Path, arguments: list[str], models: int = 3) -> None:
        self.port_file = work / "ports.json"
        chosen = ["--port-file", str(self.port_file)] if port == 0 else []
        self.command = [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), *chosen, *arguments]
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

    def listening_port(self) -> int:
        """The HTTP port from the --port-file (renamed into place whole), or 0 before it is there."""
        try:
            return int(json.loads(self.port_file.read_text())["http"])
        except FileNotFoundError:
            return 0

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(self.command, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=open(self.log, "wb"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the service exited with {self.process.returncode}: see {self.log}")
            if self.port == 0:
                self.port = self.listening_port()
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


def target(run: dict, results: dict) -> tuple[str, str, str]:
    """(measured against, target, met) for an HTTP row; dashes where the row has no target."""
    c, cores = results["ceiling"], results["machine"]["nproc"]
    key, conn = run["key"], run["connections"]
    if key in ("raw", "deepstack"):
        if conn == 1:
            added, allowed = run["p50_ms"] - c["p50_ms"], 1.0 if key == "raw" else 2.0
            return f"p50 {added:+.2f} ms over the ceiling's {c['p50_ms']:.2f}", f"≤ +{allowed:.1f} ms", "yes" if added <= allowed else "no"
        share = run["rps"] / c["runs_per_second"]
        return f"{100 * share:.0f}% of {c['runs_per_second']:.1f} runs/s", "≥ 95%", "yes" if share >= 0.95 else "no"
    if key == "json1080":
        # The same pipeline in-process: one decode + letterbox per image on one core, and the run
        # at the ceiling's throughput, sharing the cores.
        pipeline = 1 / (results["decode_1080_ms"] / 1000 / cores + 1 / c["runs_per_second"])
        share = run["rps"] / pipeline
        met = ("yes" if share >= 0.9 else "no") if conn == 16 else "–"
        return f"{100 * share:.0f}% of {pipeline:.1f} images/s", "≥ 90% at 16" if conn == 16 else "–", met
    if key == "sim_deepstack" and conn == 16:
        return f"{run['rps']:.0f} req/s", "≥ 1 100 req/s", "yes" if run["rps"] >= 1100 else "no"
    return "–", "–", "–"


def http_rows(results: dict) -> list[str]:
    rows = ["| scenario | conn | req/s | p50 ms | p99 ms | errors / non-2xx | against the ceiling | target | met | service CPU ms per request | CPU: service / wrk / other processes |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in results["http"]:
        against, goal, met = target(run, results)
        per_request = 1000 * run["server_cpu"] / run["rps"] if run["rps"] else float("nan")
        rows.append(f"| {run['title']} | {run['connections']} | {run['rps']:.1f} | {run['p50_ms']:.3f} | {run['p99_ms']:.3f} "
                    f"| {run['errors']} / {run['non2xx']} | {against} | {goal} | {met} | {per_request:.2f} "
                    f"| {run['server_cpu']:.2f} / {run['wrk_cpu']:.2f} / {run['other_cpu']:.2f} |")
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
    rows = ["| runtime | threads | callers | run threads | intra-op threads (alone / side by side) | spinning | runs/s before / after | p50 ms before / after |",
            "|---|---|---|---|---|---|---|---|"]
    key = lambda r: (r["runtime"], r["policy"], r["callers"], r["intra_op_threads"], r["intra_op_threads_shared"], r["spinning"])
    after = {key(r): r for r in results.get("sweep_after", [])}
    for r in results["sweep_before"]:
        a = after.get(key(r), {})
        threads = "fixed" if r["policy"] == "fixed" else "**the service's default**"
        rows.append(f"| {r['runtime']} | {threads} | {r['callers']} | {r['run_threads']} | {r['intra_op_threads']} / {r['intra_op_threads_shared']} "
                    f"| {'on' if r['spinning'] else 'off'} | {r['runs_per_second']:.1f} / {fmt(a.get('runs_per_second'))} "
                    f"| {r['p50_ms']:.2f} / {fmt(a.get('p50_ms'), 2)} |")
    return rows


def ceiling_summary(results: dict) -> str:
    c = results["ceiling"]
    describe = lambda r: (f"{r['runtime']}, {r['callers']} caller(s) × {r['intra_op_threads']} intra-op thread(s), "
                          f"spinning {'on' if r['spinning'] else 'off'}")
    return (f"Ceiling: **{c['runs_per_second']:.1f} runs/s** (the best of before and after: "
            f"{describe(c['throughput_config'])}) and a single-caller **p50 of {c['p50_ms']:.2f} ms** "
            f"({describe(c['latency_config'])}). The 1920×1080 JPEG's decode + letterbox to 320 "
            f"takes {results['decode_1080_ms']:.2f} ms on one thread (`bench image`).")


def render_markdown(results: dict) -> str:
    m = results["machine"]
    lines = [BEGIN, "",
             f"Measured {m['date']} by `bench/run.sh`: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, "
             f"Linux {m['kernel']}, {m['wrk']}; load average {m['load_before']:.2f} when the run began. "
             f"Each sweep configuration runs {results['sweep_duration']:.0f} s, before and after the HTTP runs; wrk runs "
             f"{results['duration']:.0f} s per row, after a 2 s warm-up per scenario; its threads are min(connections, 2). "
             "CPU columns are cores used on average (2.00 = both cores); \"other processes\" is everything else that ran "
             "on the machine meanwhile.", "",
             "#### The ceiling: the runtime's configurations, in-process (no HTTP)", "", *ceiling_rows(results), "",
             ceiling_summary(results), "",
             "#### HTTP (wrk, keep-alive connections on 127.0.0.1), the service with its defaults", "", *http_rows(results), "",
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
    for line in ceiling_rows(results) + ["", ceiling_summary(results), ""] + http_rows(results) + [""] + overload_rows(results):
        print(line)
    print()
