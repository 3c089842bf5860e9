"""deploy/haproxy: the shipped haproxy.cfg is what make-config.sh makes for its two example
hosts, HAProxy accepts it, and the generator refuses node names a task id cannot carry.
scripts/test-cluster.sh runs the configuration in front of three services."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import REPO_ROOT

HAPROXY = REPO_ROOT / "deploy" / "haproxy"
EXAMPLE = ["node-a=192.0.2.11:8080", "node-b=192.0.2.12:8080"]


def make_config(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(HAPROXY / "make-config.sh"), *args], capture_output=True, text=True, timeout=30)


def test_shipped_config_is_the_generators() -> None:
    made = make_config(*EXAMPLE)
    assert made.returncode == 0, made.stderr
    assert (HAPROXY / "haproxy.cfg").read_text() == made.stdout


def test_config_routes_task_polls_by_node_and_retries_only_safely() -> None:
    text = (HAPROXY / "haproxy.cfg").read_text()
    assert "balance leastconn" in text
    assert "http-check send meth GET uri /v2/health/ready" in text
    assert "http-request disable-l7-retry if !METH_GET" in text
    assert "use_backend node_%[var(txn.task_node)] if task_poll" in text
    for node in ("node-a", "node-b"):
        assert f"backend node_{node}\n    server {node} " in text and f"track hailo8/{node}" in text


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed (scripts/test-cluster.sh installs it)")
def test_haproxy_accepts_the_config(tmp_path) -> None:
    config = tmp_path / "haproxy.cfg"
    # haproxy -c parses and checks; it binds nothing.
    config.write_text(make_config("--bind", "127.0.0.1:18080", "--stats", "127.0.0.1:18404", "--log", "stderr", *EXAMPLE).stdout)
    checked = subprocess.run(["haproxy", "-c", "-f", str(config)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("node", ["under_score=192.0.2.1:8080", "node-a=192.0.2.1", "node-a"])
def test_generator_refuses_what_a_task_id_cannot_carry(node: str) -> None:
    made = make_config(node)
    assert made.returncode == 2 and "NODE=HOST:PORT" in made.stderr
