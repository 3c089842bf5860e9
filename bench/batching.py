"""Dynamic batching on the CPU: is it worth turning on?

The demo model (whose first dimension is dynamic) is loaded several times from one models file
(`serve --config`): without batching and with a few `max_batch_size` / `max_queue_delay_us`
settings. Each copy gets the raw-tensor scenario of bench/run.sh (1×3×320×320 float32 as
octet-stream, raw answer) from wrk at 4 and 16 connections; the mean batch size comes from the
service's own metrics. Prints a markdown table; docs/performance.md records it.

Environment: BENCH_DURATION (seconds per wrk run, default 8), HAILO8_BINARY, HAILO8_DEMO_MODEL.
"""

from __future__ import annotations

import os
import re
import sys
import urllib.request

from bench_support import Server, free_port, scratch, wrk
from suite import BINARY, DEMO, DURATION, bodies, require

VARIANTS = [
    ("off", {}),
    ("batch2", {"max_batch_size": 2}),
    ("batch4", {"max_batch_size": 4}),
    ("batch8", {"max_batch_size": 8}),
    ("batch4_wait2ms", {"max_batch_size": 4, "max_queue_delay_us": 2000}),
]
CONNECTIONS = (4, 16)


def batch_stats(base: str, model: str) -> tuple[float, float]:
    """(sum, count) of the model's batch-size histogram in /metrics."""
    text = urllib.request.urlopen(f"{base}/metrics", timeout=10).read().decode()
    values = {}
    for name in ("sum", "count"):
        match = re.search(rf'^hailo8_batch_size_{name}{{model="{model}"}} ([0-9.e+]+)$', text, re.M)
        values[name] = float(match.group(1)) if match else 0.0
    return values["sum"], values["count"]


def main() -> int:
    require(BINARY, "run bench/batching.sh (it builds the release binary)")
    require(DEMO, "run scripts/setup.sh")
    with scratch("hailo8-batching-") as work:
        models = work / "models"
        models.mkdir()
        (models / DEMO.name).write_bytes(DEMO.read_bytes())
        config = work / "models.yaml"
        lines = ["models:"]
        for name, options in VARIANTS:
            lines += [f"  - model_id: {name}", f"    model_path: {DEMO.name}"]
            if options:
                lines.append("    options: {" + ", ".join(f"{k}: {v}" for k, v in options.items()) + "}")
        config.write_text("\n".join(lines) + "\n")
        body = bodies(work)["raw_demo"]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = Server(BINARY, port, dict(os.environ), work, [
            "--models-dir", str(models), "--data-dir", str(work / "data"), "--config", str(config), "--log-level", "error"],
            models=len(VARIANTS))
        print(f"# {os.cpu_count()} CPUs, wrk {DURATION:.0f} s per row, demo model {DEMO.name}, raw tensor (octet-stream)")
        print("| model options | conn | req/s | p50 ms | p99 ms | mean rows per run | errors / non-2xx |")
        print("|---|---|---|---|---|---|---|")
        with server:
            for name, options in VARIANTS:
                url = f"{base}/inference?model_id={name}&shape=1,3,320,320"
                wrk(url, body, "application/octet-stream", "application/octet-stream", 16, 2, server.pid)  # warm-up
                for connections in CONNECTIONS:
                    before = batch_stats(base, name)
                    run = wrk(url, body, "application/octet-stream", "application/octet-stream", connections, DURATION, server.pid)
                    after = batch_stats(base, name)
                    runs = after[1] - before[1]
                    mean = (after[0] - before[0]) / runs if runs else 1.0
                    label = ", ".join(f"{k} {v}" for k, v in options.items()) or "no batching"
                    print(f"| {label} | {connections} | {run['rps']:.1f} | {run['p50_ms']:.1f} | {run['p99_ms']:.1f} | "
                          f"{mean:.2f} | {run['errors']} / {run['non2xx']} |", flush=True)
        return 0


if __name__ == "__main__":
    sys.exit(main())
