#!/usr/bin/env bash
# Dynamic batching on the CPU, on and off, over HTTP (bench/batching.py). About 2 minutes on 2
# cores. Needs scripts/setup.sh (wrk, .venv, the demo model). Results are recorded in
# docs/performance.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup.sh" >&2; exit 1; }
[ -x .venv/bin/python ] || { echo ".venv is missing: run scripts/setup.sh" >&2; exit 1; }
swift build -c release --product hailo8-service >/dev/null
export HAILO8_BINARY="${HAILO8_BINARY:-$(swift build -c release --show-bin-path)/hailo8-service}"
exec .venv/bin/python bench/batching.py
