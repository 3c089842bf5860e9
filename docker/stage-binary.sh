#!/usr/bin/env bash
# Builds the release binary on this machine and stages it for `docker build --build-arg
# BINARY=context`: docker/dist/<arch>/bin/hailo8-service and, in docker/dist/<arch>/lib/, the
# Swift runtime libraries it links (the image has no Swift toolchain). Use it where the Swift
# image cannot be pulled; the binary needs a glibc no newer than the image base's.
#   docker/stage-binary.sh [extra swift build flags]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
case "$(uname -m)" in
    x86_64) ARCH=amd64 ;;
    aarch64) ARCH=arm64 ;;
    *) echo "stage-binary.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
swift build -c release --product hailo8-service "$@"
BIN="$(swift build -c release --show-bin-path "$@")/hailo8-service"
OUT="docker/dist/$ARCH"
rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/lib"
install -m 0755 "$BIN" "$OUT/bin/hailo8-service"
strip --strip-unneeded "$OUT/bin/hailo8-service"   # the image needs no debug symbols
# The Swift runtime's libraries come from the toolchain; system libraries come from the image.
SWIFT_LIB_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/swift/linux"
ldd "$BIN" | awk '$3 ~ /^\// { print $3 }' | while read -r lib; do
    case "$(readlink -f "$lib")" in
        "$(readlink -f "$SWIFT_LIB_DIR")"/*) install -m 0644 "$lib" "$OUT/lib/" ;;
    esac
done
echo "stage-binary.sh: staged $(ls "$OUT/lib" | wc -l) Swift libraries and bin/hailo8-service in $OUT"
