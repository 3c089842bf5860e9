"""The container files, checked without a Docker engine: hadolint on the Dockerfile, the Compose
file against the Compose JSON schema, and the image's own build and start scripts run on the
host (docker/build.sh stages the binary, docker/install-runtime.sh installs ONNX Runtime into a
virtualenv, docker/entrypoint.sh starts the service)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import jsonschema
import pytest
import requests
import yaml

from conftest import REPO_ROOT, free_port

VENV_BIN = REPO_ROOT / ".venv" / "bin"


def test_dockerfile_passes_hadolint() -> None:
    result = subprocess.run([str(VENV_BIN / "hadolint"), "--config", str(REPO_ROOT / ".hadolint.yaml"),
                             str(REPO_ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_essentials() -> None:
    text = (REPO_ROOT / "Dockerfile").read_text()
    assert "ARG UBUNTU_VERSION=24.04" in text and "FROM ubuntu:${UBUNTU_VERSION}" in text
    assert "RUN ./docker/build.sh" in text and "install-runtime.sh" in text
    assert "USER 10001" in text and "HEALTHCHECK" in text and "/health" in text
    assert 'VOLUME ["/models", "/data"]' in text


def test_compose_file_matches_the_schema_and_the_seed() -> None:
    schema_path = REPO_ROOT / ".cache" / "compose_spec.json"
    if not schema_path.is_file():
        pytest.fail(f"{schema_path} is missing: run scripts/setup.sh")
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    jsonschema.Draft7Validator(json.loads(schema_path.read_text())).validate(compose)
    service = compose["services"]["hailo8-service"]
    assert "/dev/hailo0:/dev/hailo0" in service["devices"]
    assert "8080:8080" in service["ports"]
    assert "HAILO_LOG_LEVEL" in service["environment"]
    assert any(v.endswith(":/models:ro") for v in service["volumes"])
    assert "/health" in " ".join(service["healthcheck"]["test"])


def test_image_scripts_build_install_and_start_on_the_host(tmp_path: Path) -> None:
    prefix = tmp_path / "opt"
    # The tests' own release build (no static stdlib), so that this stays incremental.
    env = {**os.environ, "SWIFT_BUILD_FLAGS": ""}
    subprocess.run(["bash", str(REPO_ROOT / "docker" / "build.sh"), str(prefix)], cwd=REPO_ROOT, env=env,
                   check=True, capture_output=True)
    for name in ("bin/hailo8-service", "bin/entrypoint.sh", "bin/install-runtime.sh", "share/requirements-runtime.txt"):
        assert (prefix / name).is_file(), name

    venv = tmp_path / "ort"
    install = subprocess.run(
        ["bash", str(prefix / "bin" / "install-runtime.sh")], capture_output=True, text=True,
        env={**os.environ, "HAILORT_DEB_DIR": str(tmp_path / "no-debs"), "ORT_VENV": str(venv),
             "REQUIREMENTS": str(prefix / "share" / "requirements-runtime.txt"),
             "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    assert install.returncode == 0, install.stdout + install.stderr
    library = install.stdout.strip().splitlines()[-1]
    assert Path(library).is_file() and "libonnxruntime.so" in library, install.stdout

    port = free_port()
    (tmp_path / "models").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILO8_")}
    env.update({"ORT_VENV": str(venv), "HAILO8_MODELS_DIR": str(tmp_path / "models"), "HAILO8_DATA_DIR": str(tmp_path / "data"),
                "HAILO8_HOST": "127.0.0.1", "HAILO8_PORT": str(port), "HAILO_LOG_LEVEL": "warning"})
    process = subprocess.Popen([str(prefix / "bin" / "entrypoint.sh")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            try:
                health = requests.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "the entrypoint did not start the service"
                time.sleep(0.2)
        assert health.status_code == 200, health.text
        assert health.json()["backends"]["cpu"]["library"] == library
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
