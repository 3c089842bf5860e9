#!/usr/bin/env bash
# Starts the service with the container's conventions: models in /models, state in /data,
# ONNX Runtime from the image's virtualenv. Every HAILO8_* variable still applies, and
# arguments are passed to `hailo8-service serve`. HAILO_LOG_LEVEL (the compose file's name)
# sets both this service's and HailoRT's console log level.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
export HAILO8_MODELS_DIR="${HAILO8_MODELS_DIR:-/models}"
export HAILO8_DATA_DIR="${HAILO8_DATA_DIR:-/data}"
export HAILO8_LOG_LEVEL="${HAILO8_LOG_LEVEL:-${HAILO_LOG_LEVEL:-info}}"
if [ -n "${HAILO_LOG_LEVEL:-}" ]; then
    export HAILORT_CONSOLE_LOGGER_LEVEL="${HAILORT_CONSOLE_LOGGER_LEVEL:-$HAILO_LOG_LEVEL}"
fi
if [ -z "${HAILO8_ONNXRUNTIME_LIBRARY:-}" ]; then
    ORT_VENV="${ORT_VENV:-/opt/onnxruntime}"
    found="$(find "$ORT_VENV" -name 'libonnxruntime.so.*' -print -quit 2>/dev/null || true)"
    [ -n "$found" ] && export HAILO8_ONNXRUNTIME_LIBRARY="$found"
fi
exec "$HERE/hailo8-service" serve "$@"
