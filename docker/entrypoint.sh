#!/bin/sh
# Starts the service. Every HAILO8_* variable applies (the image sets models in /models, state
# in /data, ONNX Runtime from /opt/hailo8-service/lib); arguments go to `hailo8-service serve`.
# HAILO_LOG_LEVEL (the compose file's name) sets this service's log level and HailoRT's.
set -eu
if [ -n "${HAILO_LOG_LEVEL:-}" ]; then
    export HAILO8_LOG_LEVEL="${HAILO8_LOG_LEVEL:-$HAILO_LOG_LEVEL}"
    export HAILORT_CONSOLE_LOGGER_LEVEL="${HAILORT_CONSOLE_LOGGER_LEVEL:-$HAILO_LOG_LEVEL}"
fi
exec /opt/hailo8-service/bin/hailo8-service serve "$@"
