#!/usr/bin/env python3
"""Two release binaries side by side: is a change faster, slower, or the same?

    .venv/bin/python bench/compare.py OLD_BINARY NEW_BINARY [--rounds 3] [--seconds 6] [--connections 4]
        [--only raw,deepstack,json1080,health,sim,sim_deepstack,sim_json1080]

Each binary serves in turn exactly as in bench/run.sh (its defaults, the demo model on the CPU and
simulated Hailo models, on a free 127.0.0.1 port); wrk runs every HTTP scenario of bench/suite.py
against it. Rounds alternate which binary goes first (A B, B A, A B, …), so that a machine whose
speed drifts during the run (these shared machines' does) favours neither. Prints, per scenario,
the median req/s and p50 of each binary over the rounds and the new one's throughput as a
percentage of the old one's. Each binary's simulator library is the libHailoRTSimulator.so beside
it, and its simulated HEFs are those of a `test-models` folder beside it when there is one (an
older simulator may read another HEF format: write them with that tree's
tests/models/make_sim_hefs.py), else HAILO8_TEST_MODELS'. Every load goes to 127.0.0.1 and every
loop is bounded in time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_support import scratch, wrk  # noqa: E402
from suite import SIM_DEVICE_FPS, TEST_MODELS, bodies, scenarios, service  # noqa: E402


def measure(binary: Path, files: dict[str, Path], keys: set[str], seconds: float, connections: int) -> dict[str, dict]:
    with scratch("hailo8-compare-") as work:
        return measure_in(work, binary, files, keys, seconds, connections)


def measure_in(work: Path, binary: Path, files: dict[str, Path], keys: set[str], seconds: float, connections: int) -> dict[str, dict]:
    env = dict(os.environ, HAILO8_HAILORT_LIBRARY=str(binary.parent / "libHailoRTSimulator.so"),
               HAILO_SIM_STATE_DIR=str(work), HAILO_SIM_FPS=str(SIM_DEVICE_FPS))
    runs = {}
    own_models = binary.parent / "test-models"
    with service(binary, env, work, own_models if own_models.is_dir() else TEST_MODELS) as server:
        base = f"http://127.0.0.1:{server.port}"
        for key, _, title, path, body, content_type, accept in scenarios(files):
            if key not in keys:
                continue
            wrk(base + path, body, content_type, accept, connections, min(2.0, seconds), server.pid)  # warm-up
            run = wrk(base + path, body, content_type, accept, connections, seconds, server.pid)
            run["title"] = title
            runs[key] = run
            print(f"  {binary}: {title}: {run['rps']:.1f} req/s, p50 {run['p50_ms']:.3f} ms, "
                  f"errors {run['errors']}, non-2xx {run['non2xx']}", flush=True)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6, help="per wrk run")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--only", help="comma-separated scenario keys (default: all)")
    args = parser.parse_args()
    binaries = {"old": args.old.resolve(), "new": args.new.resolve()}
    for binary in binaries.values():
        if not binary.exists() or not (binary.parent / "libHailoRTSimulator.so").exists():
            sys.exit(f"{binary} (and libHailoRTSimulator.so beside it) must exist")
    with scratch("hailo8-compare-bodies-") as folder:
        return compare(args, binaries, bodies(folder))


def compare(args: argparse.Namespace, binaries: dict[str, Path], files: dict[str, Path]) -> int:
    every = [scenario[0] for scenario in scenarios(files)]
    keys = set(args.only.split(",")) if args.only else set(every)
    if not keys <= set(every):
        sys.exit(f"unknown scenarios {sorted(keys - set(every))}; known: {', '.join(every)}")
    results: dict[str, list[dict]] = {"old": [], "new": []}
    for round_ in range(args.rounds):
        order = ["old", "new"] if round_ % 2 == 0 else ["new", "old"]
        print(f"compare: round {round_ + 1} of {args.rounds}: {' then '.join(order)}", flush=True)
        for name in order:
            results[name].append(measure(binaries[name], files, keys, args.seconds, args.connections))
    failed = sum(r["errors"] + r["non2xx"] for runs in results.values() for round_ in runs for r in round_.values())
    print(f"\n{args.rounds} rounds, {args.connections} connections, {args.seconds:g} s per run; medians over the rounds")
    print("| scenario | old req/s | new req/s | new / old | old p50 ms | new p50 ms | old CPU ms/req | new CPU ms/req |")
    print("|---|---|---|---|---|---|---|---|")
    for key, _, title, *_ in scenarios(files):
        if key not in keys:
            continue
        rps = {name: statistics.median(r[key]["rps"] for r in results[name]) for name in results}
        p50 = {name: statistics.median(r[key]["p50_ms"] for r in results[name]) for name in results}
        # The service's CPU time per answer: steadier than req/s on a machine whose speed drifts.
        cpu = {name: statistics.median(1000 * r[key]["server_cpu"] / max(r[key]["rps"], 1e-9)
                                       for r in results[name]) for name in results}
        print(f"| {title} | {rps['old']:.1f} | {rps['new']:.1f} | {100 * rps['new'] / rps['old']:.0f} % "
              f"| {p50['old']:.3f} | {p50['new']:.3f} | {cpu['old']:.3f} | {cpu['new']:.3f} |")
    if failed:
        print(f"compare: {failed} errors or non-2xx answers", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
