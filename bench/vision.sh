#!/usr/bin/env bash
# Decode + letterbox benchmark: the service's pipeline (release build, one thread) next to Pillow
# and OpenCV doing the same work in Python. Needs scripts/setup.sh (test images, .venv).
# Results are recorded in docs/performance.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
IMAGES="${HAILO8_TEST_IMAGES:-$ROOT/.test-images}"
for f in astronaut-1080p.jpg small-320.jpg; do
    [ -f "$IMAGES/$f" ] || { echo "missing $IMAGES/$f: run scripts/setup.sh" >&2; exit 1; }
done
swift build -c release --product hailo8-service >/dev/null
BIN="$(swift build -c release --show-bin-path)/hailo8-service"
echo "# $(lscpu | sed -n 's/^Model name: *//p'), one thread"
"$BIN" bench image "$IMAGES/astronaut-1080p.jpg" --size 640
"$BIN" bench image "$IMAGES/small-320.jpg" --size 320
"$ROOT/.venv/bin/python" bench/vision_python.py "$IMAGES/astronaut-1080p.jpg" 640
"$ROOT/.venv/bin/python" bench/vision_python.py "$IMAGES/small-320.jpg" 320
