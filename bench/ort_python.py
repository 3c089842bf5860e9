#!/usr/bin/env python3
"""The runtime's own ceiling, measured from Python: `session.run` back-to-back with the
`onnxruntime` wheel, over the configurations that fit the machine.

Usage: ort_python.py MODEL [--shape 1,3,320,320] [--duration S] [--cores N] [--warmup S]

For every intra-op thread count t and caller count c with c * t <= cores (one shared session,
c Python threads calling `run`, which releases the GIL), with intra-op spinning on and off, it
prints one JSON line: {"callers", "intra_op_threads", "spinning", "runs_per_second", "p50_ms",
"p99_ms"}. bench/suite.py runs it beside `hailo8-service bench model --sweep`, so that the
ceiling the HTTP figures are compared with is not only the service's own opinion of itself.
Inputs are random floats in [0, 1) (integers 0..255 for integer inputs); --shape gives the first
input's shape (as `bench model --shape`), other dynamic dimensions are 1.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time

import numpy as np
import onnxruntime as ort

TYPES = {"tensor(float)": np.float32, "tensor(uint8)": np.uint8, "tensor(int8)": np.int8,
         "tensor(float16)": np.float16, "tensor(int64)": np.int64, "tensor(int32)": np.int32}


def feeds(session: ort.InferenceSession, first_shape: list[int] | None) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20250101)
    out = {}
    for index, spec in enumerate(session.get_inputs()):
        shape = [d if isinstance(d, int) and d > 0 else 1 for d in spec.shape]
        if index == 0 and first_shape:
            shape = first_shape
        dtype = TYPES[spec.type]
        if np.issubdtype(dtype, np.floating):
            out[spec.name] = rng.random(shape, dtype=np.float32).astype(dtype)
        else:
            out[spec.name] = rng.integers(0, 256, shape).astype(dtype)
    return out


def session(model: str, threads: int, spinning: bool) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def measure(s: ort.InferenceSession, inputs: dict, callers: int, seconds: float) -> dict:
    end = time.perf_counter() + seconds
    times: list[list[float]] = [[] for _ in range(callers)]

    def loop(mine: list[float]) -> None:
        while True:
            began = time.perf_counter()
            if began >= end:
                return
            s.run(None, inputs)
            mine.append((time.perf_counter() - began) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(t,)) for t in times]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    all_times = sorted(x for t in times for x in t)
    rank = lambda f: all_times[min(len(all_times) - 1, max(0, int(np.ceil(f * len(all_times))) - 1))]
    return {"runs_per_second": len(all_times) / elapsed, "p50_ms": rank(0.5), "p99_ms": rank(0.99), "runs": len(all_times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--shape", type=lambda text: [int(d) for d in text.split(",")])
    parser.add_argument("--cores", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    for spinning in (True, False):
        for threads in range(1, args.cores + 1):
            s = session(args.model, threads, spinning)
            inputs = feeds(s, args.shape)
            measure(s, inputs, 1, args.warmup)
            for callers in range(1, args.cores // threads + 1):
                result = measure(s, inputs, callers, args.duration)
                result.update(runtime=f"python onnxruntime {ort.__version__}", callers=callers,
                              intra_op_threads=threads, spinning=spinning)
                print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
