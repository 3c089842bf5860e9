"""Schemathesis over the live `GET /openapi.yaml`: thousands of generated requests, valid and
not, on every operation (fixed seed, bounded examples), and the service must answer each with a
status its document lists, a body and headers that match it, never a 5xx, and still be serving
afterwards. Unloading is left out, so that the detection routes keep a model to run."""

from __future__ import annotations

import subprocess

from conftest import REPO_ROOT, StartServer

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance,response_headers_conformance"


def test_generated_requests_get_documented_answers_and_never_a_5xx(start_server: StartServer, tmp_path) -> None:
    server = start_server(args=["--preload", "demo=nudenet-320n.onnx", "--deepstack-model", "demo"])
    result = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "schemathesis"), "run", f"{server.url}/openapi.yaml", "--url", server.url,
         "--max-examples", "25", "--seed", "7", "--generation-deterministic", "--phases", "examples,coverage,fuzzing",
         "--exclude-method", "DELETE", "--exclude-path-regex", "/unload$", "--request-timeout", "30", "--checks", CHECKS],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Fuzzing" in result.stdout
    health = server.get("/health")
    assert health.status_code == 200, health.text
    assert server.process.poll() is None
