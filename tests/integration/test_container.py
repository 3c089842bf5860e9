"""The container files, checked without a container engine (tests/container/ builds and runs the
image itself): hadolint on the Dockerfiles, the Compose file against the Compose JSON schema,
the build context, and docker/stage-binary.sh's staging of a binary built here."""

from __future__ import annotations

import json
import os
import subprocess

import jsonschema
import pytest
import yaml

from conftest import REPO_ROOT

VENV_BIN = REPO_ROOT / ".venv" / "bin"


def test_dockerfile_passes_hadolint() -> None:
    result = subprocess.run([str(VENV_BIN / "hadolint"), "--config", str(REPO_ROOT / ".hadolint.yaml"),
                             str(REPO_ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_client_dockerfile_passes_hadolint() -> None:
    result = subprocess.run([str(VENV_BIN / "hadolint"), "--config", str(REPO_ROOT / ".hadolint.yaml"),
                             str(REPO_ROOT / "tests" / "container" / "client.Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_essentials() -> None:
    text = (REPO_ROOT / "Dockerfile").read_text()
    assert "ARG BASE_IMAGE=ubuntu:24.04" in text and "FROM ${BASE_IMAGE}\n" in text
    assert "FROM binary-${BINARY} AS binary" in text and "COPY docker/dist/${TARGETARCH}/ /out/" in text
    assert "USER 10001:10001" in text and "HEALTHCHECK" in text and "/health" in text
    assert 'VOLUME ["/models", "/data"]' in text


def test_build_context_leaves_out_build_folders_and_virtualenvs() -> None:
    lines = [line.strip() for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0] == "*", lines   # everything out, then only what the Dockerfile copies back in
    assert set(lines[1:]) == {"!Package.swift", "!Sources/", "!Tests/", "!docker/"}, lines


def test_compose_file_matches_the_schema_and_the_seed() -> None:
    schema_path = REPO_ROOT / ".cache" / "compose_spec.json"
    if not schema_path.is_file():
        pytest.fail(f"{schema_path} is missing: run scripts/setup.sh")
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    jsonschema.Draft7Validator(json.loads(schema_path.read_text())).validate(compose)
    service = compose["services"]["hailo8-service"]
    assert "${HAILO_DEVICE:-/dev/hailo0}:/dev/hailo0" in service["devices"]
    assert "8080:8080" in service["ports"]
    assert "HAILO_LOG_LEVEL" in service["environment"]
    assert any(v.endswith(":/models:ro") for v in service["volumes"])
    assert "/health" in " ".join(service["healthcheck"]["test"])
    assert service["cpus"] and service["mem_limit"]


def test_stage_binary_puts_the_binary_and_its_swift_libraries_in_the_context() -> None:
    result = subprocess.run(["bash", str(REPO_ROOT / "docker" / "stage-binary.sh")], cwd=REPO_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    staged = REPO_ROOT / "docker" / "dist" / "amd64"
    binary = staged / "bin" / "hailo8-service"
    assert os.access(binary, os.X_OK)
    libraries = {p.name for p in (staged / "lib").iterdir()}
    assert "libswiftCore.so" in libraries, libraries
    # With only the staged libraries and the system's, every library the binary links resolves.
    ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True,
                         env={"LD_LIBRARY_PATH": str(staged / "lib"), "PATH": os.environ["PATH"]})
    assert "not found" not in ldd.stdout, ldd.stdout
    swift_toolchain = [line for line in ldd.stdout.splitlines() if "/usr/lib/swift/" in line]
    assert swift_toolchain == [], swift_toolchain
