"""`serve --port 0 --port-file <file>`: the service binds ports of the system's choosing and
writes them, once every front end listens, to the port file, which it removes at shutdown. The
harness (conftest.Server) starts every service this way; this checks the file itself."""

from __future__ import annotations

import json
import re

import tritonclient.grpc as grpcclient

from conftest import StartServer
from test_frigate_zmq import raw_call


def test_port_file_names_the_ports_served_and_is_removed_at_shutdown(start_server: StartServer) -> None:
    server = start_server(args=["--grpc-port", "auto", "--zmq-endpoint", "tcp://127.0.0.1:*"])
    ports = json.loads(server.port_file.read_text())
    assert set(ports) == {"http", "grpc", "zmq"}, ports
    assert ports["http"] == server.port and ports["http"] > 0 and ports["grpc"] > 0, ports
    assert server.get("/health").status_code == 200
    # The startup log names the bound port, not the 0 asked for.
    assert f"listening on 127.0.0.1:{ports['http']}" in server.log_tail(100_000), server.log_tail()

    grpc = grpcclient.InferenceServerClient(url=f"127.0.0.1:{ports['grpc']}")
    try:
        assert grpc.is_server_live()
    finally:
        grpc.close()

    (endpoint,) = ports["zmq"]
    assert re.fullmatch(r"tcp://127\.0\.0\.1:[1-9][0-9]*", endpoint), endpoint
    reply = raw_call(endpoint, [json.dumps({"model_request": True, "model_name": "nudenet-320n.onnx"}).encode()])
    assert "model_loaded" in json.loads(reply[0])

    assert server.stop() == 0, server.log_tail()
    assert not server.port_file.exists(), "the port file outlived the service"


def test_grpc_port_zero_is_still_off(start_server: StartServer) -> None:
    server = start_server(args=["--grpc-port", "0"])
    assert json.loads(server.port_file.read_text()) == {"http": server.port}
    assert server.stop() == 0
    assert not server.port_file.exists()
