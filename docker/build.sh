#!/usr/bin/env bash
# Builds the release binary and stages everything the runtime image needs under PREFIX:
#   PREFIX/bin/hailo8-service, PREFIX/bin/entrypoint.sh, PREFIX/bin/install-runtime.sh,
#   PREFIX/share/requirements-runtime.txt
# The Dockerfile's build stage runs it; the tests run it on the host too.
# SWIFT_BUILD_FLAGS defaults to --static-swift-stdlib (the runtime image has no Swift runtime);
# the host tests pass their own flags so that the build is the one they already have.
set -euo pipefail

PREFIX="${1:?usage: docker/build.sh PREFIX}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
read -r -a FLAGS <<<"${SWIFT_BUILD_FLAGS---static-swift-stdlib}"

swift build -c release --product hailo8-service "${FLAGS[@]}"
BIN="$(swift build -c release --show-bin-path "${FLAGS[@]}")"

mkdir -p "$PREFIX/bin" "$PREFIX/share"
install -m 0755 "$BIN/hailo8-service" "$PREFIX/bin/hailo8-service"
install -m 0755 docker/entrypoint.sh "$PREFIX/bin/entrypoint.sh"
install -m 0755 docker/install-runtime.sh "$PREFIX/bin/install-runtime.sh"
grep -E '^onnxruntime==' requirements-dev.txt >"$PREFIX/share/requirements-runtime.txt"
echo "staged hailo8-service in $PREFIX"
