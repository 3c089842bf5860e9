#!/usr/bin/env bash
# Decode + letterbox benchmark: the service's pipeline (release build, one thread) next to
# libjpeg-turbo's own tjbench decoding the same file at the same DCT scale with the same fast DCT
# (the library's speed: the target is the service within 1.25x of it), and next to Pillow and
# OpenCV doing the same work in Python. Needs scripts/setup.sh (test images, .venv, tjbench from
# libjpeg-turbo-progs). Results are recorded in docs/performance.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
IMAGES="${HAILO8_TEST_IMAGES:-$ROOT/.test-images}"
for f in astronaut-1080p.jpg small-320.jpg; do
    [ -f "$IMAGES/$f" ] || { echo "missing $IMAGES/$f: run scripts/setup.sh" >&2; exit 1; }
done
command -v tjbench >/dev/null || { echo "tjbench is missing: run scripts/setup.sh (libjpeg-turbo-progs)" >&2; exit 1; }
swift build -c release --product hailo8-service >/dev/null 2>&1
BIN="$(swift build -c release --show-bin-path)/hailo8-service"

# tjbench's decode time in ms of FILE (W x H) at SCALE, one thread, fast DCT, RGB out: it reports
# megapixels/s of the full-size image.
tj_ms() {
    local file=$1 width=$2 height=$3 scale=$4
    tjbench "$file" -scale "$scale" -fastdct -rgb -benchtime 3 -warmup 1 -nowrite -quiet 2>/dev/null |
        awk -v px=$((width * height)) 'NF >= 8 && $1 == "RGB" { printf "%.3f", px / ($NF * 1e6) * 1000 }'
}

echo "# $(lscpu | sed -n 's/^Model name: *//p'), one thread"
# Each case: file, its size, the model input side, the DCT scale the service picks for it.
while read -r file width height side scale; do
    swift_line="$("$BIN" bench image "$IMAGES/$file" --size "$side")"
    echo "$swift_line"
    swift_ms="$(sed -E 's/.*: median ([0-9.]+) ms.*/\1/' <<<"$swift_line")"
    tj="$(tj_ms "$IMAGES/$file" "$width" "$height" "$scale")"
    awk -v s="$swift_ms" -v t="$tj" -v f="$file" -v sc="$scale" -v side="$side" \
        'BEGIN { printf "tjbench %s at %s (decode only): %.3f ms; service decode + letterbox to %s = %.2fx tjbench (target <= 1.25x)\n", f, sc, t, side, s / t }'
done <<'CASES'
astronaut-1080p.jpg 1920 1080 320 1/4
astronaut-1080p.jpg 1920 1080 640 1/2
small-320.jpg 320 320 320 1/1
small-320.jpg 320 320 640 1/1
CASES
"$ROOT/.venv/bin/python" bench/vision_python.py "$IMAGES/astronaut-1080p.jpg" 640
"$ROOT/.venv/bin/python" bench/vision_python.py "$IMAGES/small-320.jpg" 320
