#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), builds the release binary and serves on port 8080
# (PORT=... to change it) with the demo model loaded as `demo`. Extra arguments go to
# `hailo8-service serve`, e.g. ./scripts/serve.sh --api-key secret --log-level debug
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

echo "serve: building the release binary"
swift build -c release --product hailo8-service
BIN_DIR="$(swift build -c release --show-bin-path)"

echo "serve: starting hailo8-service on port ${PORT:-${HAILO8_PORT:-8080}}"
# Models are resolved in ./models and state is kept in ./data (the defaults); the binary finds
# libonnxruntime.so in .venv by itself.
exec "$BIN_DIR/hailo8-service" serve \
    --port "${PORT:-${HAILO8_PORT:-8080}}" \
    --preload demo=nudenet-320n.onnx \
    "$@"
