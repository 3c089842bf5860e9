#!/usr/bin/env python3
"""Open-loop HTTP load at a fixed arrival rate, with a deadline per request (bench/run.sh).

Usage: overload.py --url http://127.0.0.1:PORT/path?query --body FILE --content-type TYPE
                   --rate PER_SECOND --duration SECONDS --deadline-ms MS [--pid SERVER_PID]

Requests start on a fixed schedule, whatever the answers do (a closed-loop tool such as wrk
slows down with the server and hides overload). Each request uses an idle keep-alive connection
or opens a new one, so the number of connections follows the number of requests in flight.
A request's latency counts from its scheduled start. It is "late" when no complete answer
arrived within its deadline; the connection is then dropped. Only 127.0.0.1 is allowed.

Prints one JSON object: counts by outcome and status, latency percentiles of the successes,
the largest latency of any answer, and the server's RSS (from /proc/PID/status) over time.
Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
import urllib.parse
from collections import Counter


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(-(-fraction * len(ordered) // 1)) - 1))
    return ordered[rank]


def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


async def read_response(reader: asyncio.StreamReader) -> int:
    """Reads one response (Content-Length or chunked body); returns its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


class Load:
    def __init__(self, url: str, body: bytes, content_type: str, deadline: float) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.hostname != "127.0.0.1":
            sys.exit("overload.py only sends to 127.0.0.1")
        self.host, self.port = parsed.hostname, parsed.port or 80
        target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        self.request = (
            f"POST {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        self.deadline = deadline
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.outcomes: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.success_ms: list[float] = []
        self.answer_ms: list[float] = []
        self.connections = 0
        self.in_flight = 0
        self.max_in_flight = 0

    async def one(self, scheduled: float) -> None:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        connection = None
        try:
            remaining = scheduled + self.deadline - time.perf_counter()
            async with asyncio.timeout(max(remaining, 0.001)):
                if self.idle:
                    connection = self.idle.pop()
                else:
                    connection = await asyncio.open_connection(self.host, self.port)
                    self.connections += 1
                reader, writer = connection
                writer.write(self.request)
                await writer.drain()
                status = await read_response(reader)
            elapsed = (time.perf_counter() - scheduled) * 1000
            self.statuses[status] += 1
            self.answer_ms.append(elapsed)
            if 200 <= status < 300:
                self.outcomes["ok"] += 1
                self.success_ms.append(elapsed)
            elif status in (429, 503):
                self.outcomes["refused"] += 1
            else:
                self.outcomes["other_status"] += 1
            self.idle.append(connection)
        except TimeoutError:
            self.outcomes["late"] += 1
            if connection:
                connection[1].close()
        except (OSError, asyncio.IncompleteReadError, ValueError):
            self.outcomes["connection_error"] += 1
            if connection:
                connection[1].close()
        finally:
            self.in_flight -= 1


async def run(args: argparse.Namespace) -> dict:
    with open(args.body, "rb") as f:
        body = f.read()
    load = Load(args.url, body, args.content_type, args.deadline_ms / 1000)
    rss: list[tuple[float, int]] = []
    start = time.perf_counter()
    tasks: set[asyncio.Task] = set()
    total = int(args.rate * args.duration)
    max_lag = 0.0
    next_sample = start
    for i in range(total):
        scheduled = start + i / args.rate
        now = time.perf_counter()
        if scheduled > now:
            await asyncio.sleep(scheduled - now)
        max_lag = max(max_lag, time.perf_counter() - scheduled)
        task = asyncio.create_task(load.one(scheduled))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        if args.pid and time.perf_counter() >= next_sample:
            value = rss_kib(args.pid)
            if value is not None:
                rss.append((round(time.perf_counter() - start, 2), value))
            next_sample += 0.5
    if tasks:
        await asyncio.wait(tasks, timeout=args.deadline_ms / 1000 + 5)
    if args.pid and (value := rss_kib(args.pid)) is not None:
        rss.append((round(time.perf_counter() - start, 2), value))
    for reader, writer in load.idle:
        writer.close()
    sent = total
    return {
        "rate": args.rate, "duration_s": args.duration, "deadline_ms": args.deadline_ms, "sent": sent,
        "ok": load.outcomes["ok"], "refused": load.outcomes["refused"],
        "other_status": load.outcomes["other_status"], "late": load.outcomes["late"],
        "connection_errors": load.outcomes["connection_error"],
        "statuses": {str(k): v for k, v in sorted(load.statuses.items())},
        "ok_per_second": load.outcomes["ok"] / args.duration,
        "ok_p50_ms": percentile(load.success_ms, 0.5), "ok_p99_ms": percentile(load.success_ms, 0.99),
        "answer_max_ms": max(load.answer_ms, default=None),
        "connections_opened": load.connections, "max_in_flight": load.max_in_flight,
        "max_schedule_lag_ms": max_lag * 1000,
        "rss_kib": rss,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--body", required=True)
    parser.add_argument("--content-type", default="application/octet-stream")
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--deadline-ms", type=float, default=2000)
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()
    if not (0 < args.rate <= 20000 and 0 < args.duration <= 120):
        sys.exit("--rate must be in (0, 20000] and --duration in (0, 120]")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
