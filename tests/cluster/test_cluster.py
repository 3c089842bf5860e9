"""Several hosts behind HAProxy, run by scripts/test-cluster.sh inside the client's network
namespace: the balancer at CLUSTER_BALANCER, its statistics at CLUSTER_STATS, three services
(svc1..svc3) serving the demo model as `demo`. The tests run in order and share the cluster:
spread, async tasks, a host killed under load, the host back. Every request has a bounded
timeout and every loop a bounded count, so a hang fails the test instead of stalling it."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import requests
from PIL import Image

BALANCER = os.environ.get("CLUSTER_BALANCER", "")
STATS = os.environ.get("CLUSTER_STATS", "")
WORK = Path(os.environ.get("CLUSTER_WORK", "/nonexistent"))
NODES = os.environ.get("CLUSTER_NODES", "").split()
CHECK_INTERVAL = int(os.environ.get("CLUSTER_CHECK_INTERVAL_MS", "1000")) / 1000
FIGURES = os.environ.get("CLUSTER_FIGURES")
VICTIM = "svc2"
TIMEOUT = (2.0, 10.0)  # connect, read: nothing may hang
WORKERS = 6
TASK_ID = re.compile(r"^(svc\d)_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

pytestmark = pytest.mark.skipif(not BALANCER, reason="run by scripts/test-cluster.sh inside its client namespace")
figures: dict[str, object] = {}


@dataclass
class Outcome:
    started: float
    finished: float
    status: int | None  # None: the client gave up (an exception)
    node: str | None
    error: str = ""


def jpeg() -> bytes:
    """A 320x320 picture with some structure, so that the detector has work to do."""
    y, x = np.mgrid[0:320, 0:320]
    rgb = np.stack([(x * 0.8) % 256, (y * 0.8) % 256, ((x + y) * 0.4) % 256], axis=-1).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format="JPEG", quality=85)
    return out.getvalue()


IMAGE = jpeg()
# Async tasks are tensor requests (images are answered synchronously): the demo model at 160x160.
TENSOR = base64.b64encode(np.random.default_rng(0).random((1, 3, 160, 160), dtype=np.float32).tobytes()).decode()


def infer(session: requests.Session) -> Outcome:
    start = time.monotonic()
    try:
        r = session.post(f"{BALANCER}/inference", params={"model_id": "demo"}, data=IMAGE,
                         headers={"Content-Type": "image/jpeg"}, timeout=TIMEOUT)
        if r.status_code == 200:
            assert "detections" in r.json(), r.text[:200]
        return Outcome(start, time.monotonic(), r.status_code, r.headers.get("X-Hailo8-Node"), r.text[:120] if r.status_code != 200 else "")
    except requests.RequestException as error:
        return Outcome(start, time.monotonic(), None, None, repr(error)[:200])


def submit(session: requests.Session) -> tuple[float, requests.Response | None]:
    start = time.monotonic()
    body = {"model_id": "demo", "input_data": TENSOR, "shape": [1, 3, 160, 160], "async": True}
    try:
        return start, session.post(f"{BALANCER}/inference", json=body, timeout=TIMEOUT)
    except requests.RequestException:
        return start, None


def load(count: int, workers: int = WORKERS, stop: threading.Event | None = None) -> list[Outcome]:
    """`count` image requests through the balancer from `workers` threads (fewer when `stop`
    is set first)."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    remaining = iter(range(count))

    def work() -> None:
        with requests.Session() as session:
            while stop is None or not stop.is_set():
                with lock:
                    if next(remaining, None) is None:
                        return
                outcome = infer(session)
                with lock:
                    outcomes.append(outcome)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=count * TIMEOUT[1])
        assert not t.is_alive(), "a load thread did not finish"
    return outcomes


def servers() -> dict[str, dict[str, str]]:
    """The balancer's view of the hosts (backend hailo8), from its CSV statistics."""
    text = requests.get(STATS, timeout=TIMEOUT).text
    rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
    return {row["svname"]: row for row in rows if row["pxname"] == "hailo8" and row["svname"] not in ("FRONTEND", "BACKEND")}


def wait_state(node: str, state: str, timeout: float) -> float:
    """Seconds until the balancer shows `node` in `state` (UP, DOWN), polled every 50 ms."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if servers()[node]["status"].startswith(state):
            return time.monotonic() - start
        time.sleep(0.05)
    pytest.fail(f"{node} not {state} within {timeout} s: {servers()[node]['status']}")


def poll(session: requests.Session, task_id: str, timeout: float = 30.0) -> requests.Response:
    """GET the task through the balancer until it is final (or the answer is an error)."""
    deadline = time.monotonic() + timeout
    while True:
        r = session.get(f"{BALANCER}/inference/{task_id}", timeout=TIMEOUT)
        if r.status_code != 200 or r.json()["status"] not in ("queued", "running"):
            return r
        if time.monotonic() > deadline:
            pytest.fail(f"task {task_id} still {r.json()['status']} after {timeout} s")
        time.sleep(0.05)


def pid_of(node: str) -> int:
    return int((WORK / f"{node}.pid").read_text())


@pytest.fixture(scope="module", autouse=True)
def cluster() -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            state = servers()
            if sorted(state) == sorted(NODES) and all(s["status"] == "UP" and s["check_status"] == "L7OK" for s in state.values()):
                break
        except requests.RequestException:
            pass
        time.sleep(0.2)
    else:
        pytest.fail(f"the balancer does not see every host ready within 90 s: {servers()}")
    yield
    if FIGURES:
        Path(FIGURES).write_text(json.dumps(figures, indent=1) + "\n")


def test_clients_reach_only_the_balancer() -> None:
    """The client's namespace has a route to the balancer's link and nowhere else."""
    routes = subprocess.run(["ip", "-4", "route", "show"], capture_output=True, text=True, check=True).stdout
    assert "default" not in routes and len(routes.strip().splitlines()) == 1, routes
    with pytest.raises(requests.ConnectionError):
        requests.get("http://198.18.1.2:8080/health", timeout=(1, 1))


def test_load_through_the_balancer_spreads_over_the_hosts() -> None:
    start = time.monotonic()
    outcomes = load(90)
    elapsed = time.monotonic() - start
    assert [o.status for o in outcomes] == [200] * 90, [o.error for o in outcomes if o.status != 200][:3]
    spread = Counter(o.node for o in outcomes)
    assert sorted(spread) == sorted(NODES), spread
    assert all(n >= 90 * 0.15 for n in spread.values()), spread
    latencies = sorted(o.finished - o.started for o in outcomes)
    figures["spread"] = dict(sorted(spread.items()))
    figures["requests_per_second"] = round(90 / elapsed, 1)
    figures["latency_ms_p50"] = round(latencies[45] * 1000, 1)


def test_async_tasks_are_polled_back_through_the_balancer() -> None:
    with requests.Session() as session:
        accepted = [submit(session)[1] for _ in range(15)]
        ids = []
        for r in accepted:
            assert r is not None and r.status_code == 202, r
            task_id = r.json()["task_id"]
            match = TASK_ID.match(task_id)
            assert match and match.group(1) == r.headers["X-Hailo8-Node"], (task_id, r.headers)
            ids.append(task_id)
        owners = Counter(TASK_ID.match(i).group(1) for i in ids)
        assert len(owners) >= 2, owners
        for task_id in ids:
            r = poll(session, task_id)
            assert r.status_code == 200 and r.json()["status"] == "succeeded", r.text[:300]
            assert r.headers["X-Hailo8-Node"] == TASK_ID.match(task_id).group(1)
            assert r.json()["task_id"] == task_id and r.json()["result"]["outputs"][0]["shape"] == [1, 22, 525]
        # Cancelling (here: deleting a finished task) goes to the owner too.
        r = session.delete(f"{BALANCER}/inference/{ids[0]}", timeout=TIMEOUT)
        assert r.status_code == 200 and r.headers["X-Hailo8-Node"] == TASK_ID.match(ids[0]).group(1)
        r = session.get(f"{BALANCER}/inference/{ids[0]}", timeout=TIMEOUT)
        assert r.status_code == 404 and r.headers["X-Hailo8-Node"] == TASK_ID.match(ids[0]).group(1)
        # An id naming no host behind this balancer reaches some host, which says whose it is.
        r = session.get(f"{BALANCER}/inference/elsewhere_{ids[1].split('_')[1]}", timeout=TIMEOUT)
        assert r.status_code == 404 and "node 'elsewhere'" in r.json()["error"]["message"], r.text
    figures["async_tasks_per_host"] = dict(sorted(owners.items()))


def test_a_host_killed_under_load_leaves_the_others_serving() -> None:
    stop = threading.Event()
    tasks: list[tuple[float, requests.Response | None]] = []  # (submitted at, answer)

    def submitter() -> None:
        with requests.Session() as session:
            for _ in range(60):
                if stop.is_set():
                    return
                tasks.append(submit(session))
                time.sleep(0.1)

    outcomes: list[Outcome] = []
    loader = threading.Thread(target=lambda: outcomes.extend(load(WORKERS * 150, stop=stop)))
    async_thread = threading.Thread(target=submitter)
    loader.start()
    async_thread.start()
    time.sleep(2.0)
    killed_at = time.monotonic()
    os.kill(pid_of(VICTIM), signal.SIGKILL)
    detected = wait_state(VICTIM, "DOWN", timeout=15)
    down_at = killed_at + detected
    time.sleep(4.0)
    stop.set()
    loader.join(timeout=60)
    async_thread.join(timeout=60)
    assert not loader.is_alive() and not async_thread.is_alive()

    # Nothing hung: every request was answered well within the client's timeout.
    assert not [o for o in outcomes if "Timeout" in o.error], [o.error for o in outcomes if "Timeout" in o.error][:3]
    assert max(o.finished - o.started for o in outcomes) < TIMEOUT[1]
    # The only failures are requests the killed host held when it died, answered with an error
    # at once and never sent again elsewhere: a 502 from the balancer, or, on a client
    # connection that had already carried a request, the connection closed without an answer
    # (HAProxy passes on the server's close as HTTP/1.1 keep-alive allows).
    failed = [o for o in outcomes if o.status != 200]
    assert all((o.status in (502, 503, 504) or "RemoteDisconnected" in o.error) and o.started < killed_at + 0.05
               and o.finished < killed_at + 2.0 for o in failed), [(o.status, o.started - killed_at, o.error) for o in failed]
    assert len(failed) <= WORKERS
    # Within the check interval the balancer stops sending to it; the others keep serving.
    assert detected <= 2 * CHECK_INTERVAL + 1.0, detected
    assert not [o for o in outcomes if o.node == VICTIM and o.started > killed_at]
    after = Counter(o.node for o in outcomes if o.started > down_at and o.status == 200)
    assert sorted(after) == sorted(set(NODES) - {VICTIM}) and min(after.values()) >= 5, after
    # Nothing a surviving host accepted is lost: each of its tasks finishes and is found.
    lost_with_victim = 0
    with requests.Session() as session:
        for submitted, r in tasks:
            if r is None or r.status_code != 202:
                assert submitted < killed_at + 0.05, (submitted - killed_at, r)
                continue
            task_id = r.json()["task_id"]
            owner = TASK_ID.match(task_id).group(1)
            answer = poll(session, task_id)
            if owner == VICTIM:
                # Its tasks died with it: the balancer answers at once that the host is down.
                assert answer.status_code == 503, answer.text[:200]
                lost_with_victim += 1
            else:
                assert answer.status_code == 200 and answer.json()["status"] == "succeeded", answer.text[:300]
    stats = servers()
    figures["kill"] = {
        "requests": len(outcomes), "failed_in_flight": len(failed),
        "failed_as_502": sum(o.status == 502 for o in failed),
        "seconds_to_mark_down": round(detected, 2),
        "async_tasks": len(tasks), "async_tasks_lost_with_the_killed_host": lost_with_victim,
        "balancer_retries": sum(int(s["wretr"] or 0) for s in stats.values()),
        "balancer_redispatches": sum(int(s["wredis"] or 0) for s in stats.values()),
        "served_after_mark_down": dict(sorted(after.items())),
    }


def test_a_host_that_comes_back_is_used_again() -> None:
    command = (WORK / f"{VICTIM}.cmd").read_text().splitlines()
    started = time.monotonic()
    with open(WORK / f"{VICTIM}.log", "ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env={"PATH": os.environ["PATH"]}, start_new_session=True)
    (WORK / f"{VICTIM}.pid").write_text(f"{process.pid}\n")
    back = wait_state(VICTIM, "UP", timeout=60)
    outcomes = load(60)
    assert [o.status for o in outcomes] == [200] * 60, [o.error for o in outcomes if o.status != 200][:3]
    spread = Counter(o.node for o in outcomes)
    assert spread[VICTIM] >= 6, spread
    figures["restart"] = {"seconds_to_serve_again": round(back, 2), "spread_after": dict(sorted(spread.items()))}
    figures["test_seconds_since_restart"] = round(time.monotonic() - started, 1)
