#!/bin/sh
# Puts libonnxruntime.so of the onnxruntime wheel VERSION for ARCH (amd64 or arm64) into OUT,
# with a version-free libonnxruntime.so link. A wheel for that version and architecture in
# WHEELS is used as it is (air-gapped builds); otherwise pip downloads it. Only the shared
# library is kept: the image needs no Python.
#   docker/onnxruntime.sh VERSION ARCH WHEELS OUT
set -eu
VERSION="$1" ARCH="$2" WHEELS="$3" OUT="$4"
case "$ARCH" in
    amd64) MACHINE=x86_64 ;;
    arm64) MACHINE=aarch64 ;;
    *) echo "onnxruntime.sh: no onnxruntime wheel for $ARCH" >&2; exit 1 ;;
esac
export DEBIAN_FRONTEND=noninteractive
wheel="$(find "$WHEELS" -maxdepth 1 -name "onnxruntime-$VERSION-*manylinux*_$MACHINE.whl" | head -n 1)"
if [ -z "$wheel" ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends ca-certificates python3-pip unzip >/dev/null
    mkdir -p /tmp/wheels
    python3 -m pip download --no-deps --only-binary=:all: --platform "manylinux_2_28_$MACHINE" \
        --python-version 3.12 --dest /tmp/wheels "onnxruntime==$VERSION"
    wheel="$(find /tmp/wheels -name "onnxruntime-$VERSION-*.whl" | head -n 1)"
else
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends unzip >/dev/null
fi
echo "onnxruntime.sh: using $(basename "$wheel")"
mkdir -p "$OUT"
unzip -j -o -q "$wheel" "onnxruntime/capi/libonnxruntime.so.$VERSION" -d "$OUT"
ln -sf "libonnxruntime.so.$VERSION" "$OUT/libonnxruntime.so"
