#!/usr/bin/env python3
"""Memory over time: the release binary under a mixed load for minutes, its RSS followed all along.

    swift build -c release --product hailo8-service
    .venv/bin/python bench/soak.py [--minutes 10] [--max-growth 2] [--warmup MINUTES] [--rate 20]

The service starts on 127.0.0.1 (a port of its choosing, from its --port-file) with temporary
models and data folders, the demo model loaded as `demo` and affine.onnx (from .test-models) as
`affine`. A few client threads share a fixed request rate, each on its own keep-alive
connection, and pick at random from: raw tensors and base64 JSON tensors on `/inference`, a
320x320 JPEG as base64 JSON, as a multipart form and on the DeepStack route, KServe v2 infer in
JSON and with binary tensors, `/inference/batch` with a bad item, async tasks (tensor, image and
batch: submitted, polled, fetched, then deleted), deliberate errors on new connections (bad
JSON, unknown model, wrong shape, a truncated JPEG, an unknown task, a 1 ms deadline) and
scrapes of `/metrics` and `/status`. Another thread loads a second copy of the demo model as
`cycle` (by path, every third time as an upload), runs it twice and unloads it, every
--cycle-seconds.

Async tasks are deleted once fetched, as a well-behaved client does, so the service runs with
its default --task-ttl and no finished result is kept beyond its fetch: retained results would
look like a leak. Environment variables pass to the service (e.g. MALLOC_ARENA_MAX=2).

The service's RSS (VmRSS of /proc/PID/status) is read every 0.5 s, and every --sample-seconds
the least read of the interval is a sample: what comes and goes (the second model, buffers of
requests in flight) is left out, what stays behind shows. Prints the samples per minute (every
5 minutes in runs over 20) and the growth after the warm-up: the least-squares slope of the
samples in MiB per minute. Exits 1 when that slope exceeds --max-growth (or, with --max-rise, when
the highest sample is that many MiB above the first), when an answer had
another status than its request expects (the only 5xx expected is the 504 of the 1 ms
deadline), when a request failed on its connection, or when at the end the service is not
healthy or still holds tasks. Every load goes to 127.0.0.1 and every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import requests

from bench_support import REPO, Server, scratch

BINARY = Path(os.environ.get("HAILO8_BINARY") or REPO / ".build/release/hailo8-service")
DEMO = Path(os.environ.get("HAILO8_DEMO_MODEL") or REPO / "models/nudenet-320n.onnx")
TEST_MODELS = Path(os.environ.get("HAILO8_TEST_MODELS") or REPO / ".test-models")
IMAGES = Path(os.environ.get("HAILO8_TEST_IMAGES") or REPO / ".test-images")
CLIENTS = 3
TIMEOUT = 60  # seconds for any one request
FINAL = ("succeeded", "failed", "expired", "cancelled")
# The RSS is read this often; each sample is the least read of its interval, so that what
# comes and goes (a second model loaded for a moment, the buffers of requests in flight) is
# not taken for growth, and what stays behind raises every sample.
READ_SECONDS = 0.5


@dataclass
class Inputs:
    """The request bodies, made once."""
    raw: bytes  # 1x3x320x320 float32 for the demo model
    affine: list[float]  # 2x3 float32 for affine.onnx
    jpeg: bytes  # 320x320 JPEG
    raw64: str = ""
    affine64: str = ""
    jpeg64: str = ""

    def __post_init__(self) -> None:
        self.raw64 = base64.b64encode(self.raw).decode()
        self.affine64 = base64.b64encode(np.array(self.affine, dtype="<f4").tobytes()).decode()
        self.jpeg64 = base64.b64encode(self.jpeg).decode()


@dataclass
class Tally:
    """Answers by route and status, the unexpected ones, connection failures; shared by threads."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    total: int = 0

    def record(self, label: str, response: requests.Response, expected: set[int], valid: bool = True) -> None:
        """Counts an answer; it is unexpected when its status is not in `expected` or it is not `valid`."""
        status = response.status_code
        with self.lock:
            self.total += 1
            self.statuses[f"{label} {status}"] += 1
            if status not in expected or not valid:
                self.unexpected.append(f"{label}: {status} (expected {sorted(expected)}) {response.text[:200]}")

    def failed(self, label: str, error: Exception) -> None:
        with self.lock:
            self.total += 1
            self.failures.append(f"{label}: {error!r}"[:300])


Operation = Callable[[requests.Session, str, Inputs, Tally], None]


def post_json(session: requests.Session, url: str, body: object) -> requests.Response:
    return session.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"}, timeout=TIMEOUT)


def tensor(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    r = session.post(f"{base}/inference?model_id=demo&shape=1,3,320,320", data=inputs.raw, timeout=TIMEOUT,
                     headers={"Content-Type": "application/octet-stream", "Accept": "application/octet-stream"})
    tally.record("raw tensor", r, {200})


def tensor_json(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    r = post_json(session, f"{base}/inference", {"model_id": "affine", "input_data": inputs.affine64, "shape": [2, 3]})
    tally.record("JSON tensor", r, {200})


def image_json(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    r = post_json(session, f"{base}/inference", {"model_id": "demo", "input_data": inputs.jpeg64})
    tally.record("JSON image", r, {200})


def image_multipart(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    r = session.post(f"{base}/inference", data={"model_id": "demo"},
                     files={"image": ("small-320.jpg", inputs.jpeg, "image/jpeg")}, timeout=TIMEOUT)
    tally.record("multipart image", r, {200})


def deepstack(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    """DeepStack answers its errors with 200, `success: false` and the status in `code`."""
    r = session.post(f"{base}/v1/vision/detection", data={"min_confidence": "0.4"},
                     files={"image": ("small-320.jpg", inputs.jpeg, "image/jpeg")}, timeout=TIMEOUT)
    tally.record("DeepStack", r, {200}, valid=r.status_code != 200 or r.json().get("success") is True)


def kserve_json(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    body = {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "data": inputs.affine}]}
    r = post_json(session, f"{base}/v2/models/affine/infer", body)
    tally.record("KServe JSON", r, {200})


def kserve_binary(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    header = json.dumps({"inputs": [{"name": "images", "shape": [1, 3, 320, 320], "datatype": "FP32",
                                     "parameters": {"binary_data_size": len(inputs.raw)}}],
                         "parameters": {"binary_data_output": True}}).encode()
    r = session.post(f"{base}/v2/models/demo/infer", data=header + inputs.raw, timeout=TIMEOUT,
                     headers={"Inference-Header-Content-Length": str(len(header)), "Content-Type": "application/octet-stream"})
    tally.record("KServe binary", r, {200})


def batch_body(inputs: Inputs, bad_item: bool) -> dict:
    items = [{"input_data": inputs.raw64}, {"input_data": inputs.jpeg64}]
    return {"model_id": "demo", "items": items + ([{"input_data": "AAAA"}] if bad_item else [])}


def batch(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    r = post_json(session, f"{base}/inference/batch", batch_body(inputs, bad_item=True))
    tally.record("batch", r, {200}, valid=r.status_code != 200 or r.json().get("failed") == 1)


def async_task(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    """Submits a task (tensor, image or batch), polls it to its end, fetches it, deletes it."""
    kind, url, body = random.choice([
        ("tensor", f"{base}/inference", {"model_id": "demo", "input_data": inputs.raw64}),
        ("image", f"{base}/inference", {"model_id": "demo", "input_data": inputs.jpeg64}),
        ("batch", f"{base}/inference/batch", batch_body(inputs, bad_item=False)),
    ])
    r = post_json(session, url, {**body, "async": True})
    tally.record(f"async {kind} submit", r, {202})
    if r.status_code != 202:
        return
    task = f"{base}/inference/{r.json()['task_id']}"
    deadline = time.monotonic() + TIMEOUT
    while True:
        r = session.get(task, timeout=TIMEOUT)
        status = r.json().get("status") if r.status_code == 200 else None
        if status in FINAL or r.status_code != 200 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    tally.record(f"async {kind} fetch", r, {200}, valid=status == "succeeded")
    r = session.delete(task, timeout=TIMEOUT)
    tally.record("async delete", r, {200})
    r = session.get(task, timeout=TIMEOUT)
    tally.record("async after delete", r, {404})


def errors(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    """One deliberate error, on a new connection (the session is not used)."""
    cases: list[tuple[str, str, str, object, set[int]]] = [
        ("bad JSON", "POST", "/inference", b'{"model_id": "demo", "input_data": ', {400}),
        ("unknown model", "POST", "/inference", {"model_id": "nosuch", "input_data": inputs.affine64}, {404}),
        ("wrong shape", "POST", "/inference", {"model_id": "affine", "input_data": inputs.affine64, "shape": [4, 3]}, {422}),
        ("truncated JPEG", "POST", "/inference", {"model_id": "demo", "input_data": base64.b64encode(inputs.jpeg[:400]).decode()}, {400}),
        ("KServe unknown model", "POST", "/v2/models/nosuch/infer", {"inputs": []}, {404}),
        ("unknown task", "GET", "/inference/soak_00000000-0000-0000-0000-000000000000", None, {404}),
        ("1 ms deadline", "POST", "/inference", {"model_id": "demo", "input_data": inputs.raw64, "timeout_ms": 1}, {200, 504}),
    ]
    label, method, path, body, expected = random.choice(cases)
    data = body if isinstance(body, bytes) or body is None else json.dumps(body)
    r = requests.request(method, f"{base}{path}", data=data, headers={"Content-Type": "application/json"}, timeout=TIMEOUT)
    tally.record(f"error: {label}", r, expected)


def scrape(session: requests.Session, base: str, inputs: Inputs, tally: Tally) -> None:
    for path in ("/metrics", "/status"):
        r = session.get(f"{base}{path}", timeout=TIMEOUT)
        tally.record(f"GET {path}", r, {200})


MIX: list[tuple[Operation, int]] = [
    (tensor, 3), (tensor_json, 2), (image_json, 2), (image_multipart, 2), (deepstack, 3), (kserve_json, 2),
    (kserve_binary, 1), (batch, 1), (async_task, 2), (errors, 3), (scrape, 1),
]
NAMES = [operation.__name__ for operation, _ in MIX] + ["cycles"]


def client(base: str, inputs: Inputs, tally: Tally, mix: list[tuple[Operation, int]], interval: float, until: float,
           seed: int) -> None:
    """Picks from `mix` every `interval` seconds (no burst to catch up when late) until `until`."""
    rng = random.Random(seed)
    operations, weights = zip(*mix)
    next_at = time.monotonic()
    with requests.Session() as session:
        while (now := time.monotonic()) < until:
            if next_at > now:
                time.sleep(next_at - now)
            next_at = max(next_at + interval, time.monotonic())
            operation = rng.choices(operations, weights)[0]
            try:
                operation(session, base, inputs, tally)
            except (requests.RequestException, ValueError) as error:
                tally.failed(operation.__name__, error)


def cycle_once(base: str, models: Path, inputs: Inputs, tally: Tally, upload: bool) -> None:
    with requests.Session() as session:
        if upload:
            r = session.post(f"{base}/models/load?model_id=cycle&format=onnx", data=(models / DEMO.name).read_bytes(),
                             headers={"Content-Type": "application/octet-stream"}, timeout=TIMEOUT)
        else:
            r = post_json(session, f"{base}/models/load", {"model_path": DEMO.name, "model_id": "cycle"})
        tally.record("load" + (" (upload)" if upload else ""), r, {201})
        for _ in range(2):
            r = session.post(f"{base}/inference?model_id=cycle&shape=1,3,320,320", data=inputs.raw, timeout=TIMEOUT,
                             headers={"Content-Type": "application/octet-stream", "Accept": "application/octet-stream"})
            tally.record("cycle model", r, {200})
        r = session.delete(f"{base}/models/cycle", timeout=TIMEOUT)
        tally.record("unload", r, {200})


def cycles(base: str, models: Path, inputs: Inputs, tally: Tally, every: float, start: float, until: float) -> None:
    """A load/run/unload at `start` + n x `every` (skipping those missed), until `until`."""
    count = 0
    while (at := start + count * every) + every < until:
        if at < time.monotonic():
            count += 1
            continue
        time.sleep(at - time.monotonic())
        try:
            cycle_once(base, models, inputs, tally, upload=count % 3 == 2)
        except (requests.RequestException, ValueError) as error:
            tally.failed("load/unload", error)
        count += 1


def sample(server: Server, samples: list[tuple[float, float]], peak: list[float], start: float, every: float,
           until: float) -> None:
    """Reads the RSS (MiB) every READ_SECONDS from `start` to `until`. A sample every `every`
    seconds is the least read since the sample before (the first, the RSS at `start`); `peak`
    holds the most read."""
    least, next_sample = math.inf, start
    while next_sample <= until:
        try:
            rss = server.rss_kib() / 1024
        except OSError:  # the service is gone: the end checks say so
            return
        least, peak[0] = min(least, rss), max(peak[0], rss)
        if time.monotonic() >= next_sample:
            samples.append((next_sample - start, least))
            least, next_sample = math.inf, next_sample + every
        time.sleep(max(0.0, min(next_sample, time.monotonic() + READ_SECONDS) - time.monotonic()))


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MiB) points, in MiB per minute."""
    xs = np.array([t / 60 for t, _ in points])
    ys = np.array([v for _, v in points])
    return float(np.polyfit(xs, ys, 1)[0])


def minute_rows(samples: list[tuple[float, float]], minutes: int, step: int) -> list[str]:
    rows = ["| minute | RSS MiB | change since minute 0 |", "|---|---|---|"]
    first = samples[0][1]
    for minute in range(0, minutes + 1, step):
        t, rss = min(samples, key=lambda s: abs(s[0] - 60 * minute))
        if abs(t - 60 * minute) <= 30:
            rows.append(f"| {minute} | {rss:.1f} | {rss - first:+.1f} |")
    return rows


def end_state(base: str, data_dir: Path) -> list[str]:
    """What is wrong with the service at the end: not healthy, tasks still stored or on disk."""
    problems = []
    health = requests.get(f"{base}/health", timeout=10)
    if health.status_code != 200:
        problems.append(f"GET /health answered {health.status_code}")
    metrics = requests.get(f"{base}/metrics", timeout=10).text
    stored = next((line.split()[-1] for line in metrics.splitlines() if line.startswith("hailo8_tasks_stored ")), None)
    if stored is None or float(stored) != 0:
        problems.append(f"hailo8_tasks_stored is {stored}, not 0")
    journaled = list((data_dir / "tasks").glob("*.json"))
    if journaled:
        problems.append(f"{len(journaled)} task files left in the data folder")
    return problems


def prepare(work: Path) -> tuple[Path, Inputs]:
    for path in (BINARY, DEMO, TEST_MODELS / "affine.onnx", IMAGES / "small-320.jpg"):
        if not path.is_file():
            sys.exit(f"{path} is missing: build the release binary and run scripts/setup.sh")
    models = work / "models"
    models.mkdir()
    for path in (DEMO, TEST_MODELS / "affine.onnx"):
        (models / path.name).write_bytes(path.read_bytes())
    rng = np.random.default_rng(20250101)
    inputs = Inputs(raw=rng.random((1, 3, 320, 320), dtype=np.float32).tobytes(),
                    affine=[0.5, 1.0, 1.5, 2.0, 2.5, 3.0], jpeg=(IMAGES / "small-320.jpg").read_bytes())
    return models, inputs


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--warmup", type=float, help="minutes not fitted (default: a quarter of the run, at least 1)")
    parser.add_argument("--max-growth", type=float, default=2.0, help="MiB per minute after the warm-up")
    parser.add_argument("--max-rise", type=float,
                        help="MiB the highest sample may exceed the first by (default: no limit); for short runs, "
                             "whose slope is mostly the heaps settling")
    parser.add_argument("--rate", type=float, default=20, help="client operations per second, all threads together")
    parser.add_argument("--cycle-seconds", type=float, default=5, help="one load/run/unload of the second model this often")
    parser.add_argument("--sample-seconds", type=float, default=10, help="a sample (the least RSS read) this often")
    parser.add_argument("--only", help="comma-separated operations to run, of: " + ", ".join(NAMES))
    parser.add_argument("--samples", type=Path, help="write the RSS samples to this file (seconds, MiB a line)")
    args = parser.parse_args()
    args.only = NAMES if args.only is None else args.only.split(",")
    if not args.only or not set(args.only) <= set(NAMES):
        sys.exit(f"--only takes names of: {', '.join(NAMES)}")
    if not (0 < args.minutes <= 24 * 60 and 0 < args.rate <= 200 and args.cycle_seconds >= 1 and args.sample_seconds >= 1):
        sys.exit("--minutes must be in (0, 1440], --rate in (0, 200], --cycle-seconds and --sample-seconds at least 1")
    args.warmup = max(1.0, args.minutes / 4) if args.warmup is None else args.warmup
    if args.warmup >= args.minutes:
        sys.exit("--warmup must be shorter than the run")
    return args


def workers(args: argparse.Namespace, server: Server, models: Path, inputs: Inputs, tally: Tally,
            samples: list[tuple[float, float]], peak: list[float], start: float) -> list[threading.Thread]:
    """The sampler, the clients of the operations chosen and the load/unload cycles."""
    base, until = f"http://127.0.0.1:{server.port}", start + 60 * args.minutes
    threads = [threading.Thread(target=sample, args=(server, samples, peak, start, args.sample_seconds, until))]
    mix = [(operation, weight) for operation, weight in MIX if operation.__name__ in args.only]
    if mix:
        threads += [threading.Thread(target=client, args=(base, inputs, tally, mix, CLIENTS / args.rate, until, i))
                    for i in range(CLIENTS)]
    if "cycles" in args.only:
        threads.append(threading.Thread(target=cycles, args=(base, models, inputs, tally, args.cycle_seconds, start, until)))
    return threads


def main() -> int:
    args = arguments()
    with scratch("hailo8-soak-") as work:
        code = soak(args, work)
        if code:
            raise SystemExit(code)  # keeps the folder, with the service's log
    return 0


def soak(args: argparse.Namespace, work: Path) -> int:
    models, inputs = prepare(work)
    server = Server(BINARY, 0, dict(os.environ), work, [
        "--models-dir", str(models), "--data-dir", str(work / "data"), "--log-level", "warning",
        "--preload", f"demo={DEMO.name}", "--preload", "affine=affine.onnx", "--deepstack-model", "demo"], models=2)
    tally = Tally()
    samples: list[tuple[float, float]] = []
    peak = [0.0]
    with server:
        base = f"http://127.0.0.1:{server.port}"
        print(f"# soak: {args.minutes:g} min, {args.rate:g} operations/s from {CLIENTS} clients, a load/unload every "
              f"{args.cycle_seconds:g} s; RSS: the least of every {args.sample_seconds:g} s; warm-up {args.warmup:g} min; "
              f"operations: {', '.join(args.only)}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; service log {server.log}",
              flush=True)
        start = time.monotonic()
        threads = workers(args, server, models, inputs, tally, samples, peak, start)
        for thread in threads:
            thread.start()
        for minute in range(1, int(args.minutes) + 1):
            time.sleep(max(0.0, start + 60 * minute - time.monotonic()))
            rss = samples[-1][1] if samples else float("nan")
            print(f"minute {minute}: RSS {rss:.1f} MiB, {tally.total} requests, {len(tally.unexpected)} unexpected, "
                  f"{len(tally.failures)} failed", flush=True)
        for thread in threads:
            thread.join()
        alive = server.process is not None and server.process.poll() is None
        problems = end_state(base, work / "data") if alive else ["the service is not running"]
    if args.samples:
        args.samples.write_text("".join(f"{t:.1f} {rss:.2f}\n" for t, rss in samples))
    return report(args, samples, peak[0], tally, problems)


def report(args: argparse.Namespace, samples: list[tuple[float, float]], peak: float, tally: Tally, problems: list[str]) -> int:
    if not samples:
        print(f"soak: FAILED: no RSS sample; {'; '.join(problems)}")
        return 1
    fitted = [s for s in samples if s[0] >= 60 * args.warmup]
    growth = slope(fitted) if len(fitted) >= 3 else float("inf")
    print()
    print("\n".join(minute_rows(samples, int(args.minutes), 1 if args.minutes <= 20 else 5)))
    print()
    print(f"{tally.total} requests ({tally.total / (60 * args.minutes):.1f}/s); by route and status:")
    for key, count in sorted(tally.statuses.items()):
        print(f"  {key}: {count}")
    print(f"RSS {samples[0][1]:.1f} MiB at the start, {peak:.1f} at most, {samples[-1][1]:.1f} at the end; "
          f"growth after minute {args.warmup:g}: {growth:+.2f} MiB/min (limit {args.max_growth:g}) over {len(fitted)} samples")
    problems = list(problems)
    if growth > args.max_growth:
        problems.append(f"RSS grew {growth:.2f} MiB/min after the warm-up, more than {args.max_growth:g}")
    rise = max(rss for _, rss in samples) - samples[0][1]
    if args.max_rise is not None and rise > args.max_rise:
        problems.append(f"RSS rose {rise:.1f} MiB above its first sample, more than {args.max_rise:g}")
    problems += [f"unexpected status: {u}" for u in tally.unexpected[:20]]
    problems += [f"request failed: {f}" for f in tally.failures[:20]]
    for problem in problems:
        print(f"FAILED: {problem}")
    print("soak: " + ("FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
