#!/usr/bin/env bash
# The benchmark suite: builds the release binaries, measures the in-process ceilings, starts the
# service on a free 127.0.0.1 port, runs every HTTP scenario with wrk and the overload scenario,
# stops the service, prints a table and writes it into docs/performance.md (BENCH_NO_DOCS=1 to
# only print). About 5 minutes on 2 cores. Needs scripts/setup.sh (wrk, .venv, models, images).
# Knobs: BENCH_DURATION (seconds per wrk run, default 8), BENCH_OVERLOAD_DURATION (default 20).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup.sh" >&2; exit 1; }
[ -x .venv/bin/python ] || { echo ".venv is missing: run scripts/setup.sh" >&2; exit 1; }
echo "bench: building the release binaries"
swift build -c release --product hailo8-service >/dev/null
swift build -c release --product HailoRTSimulator >/dev/null
export HAILO8_BINARY="${HAILO8_BINARY:-$(swift build -c release --show-bin-path)/hailo8-service}"
exec .venv/bin/python bench/suite.py
