#!/usr/bin/env bash
# Installs Triton's perf_analyzer into .cache/perf-analyzer/ and prints the path of a wrapper that
# runs it. The binary comes from the tritonclient 2.51.0 wheel's bin/ (later wheels no longer
# ship it); it links libb64 (Debian's libb64-0d) and libcudart.so.12 even when it only talks to a
# CPU server over HTTP, so the CUDA runtime's library is taken from PyPI's
# nvidia-cuda-runtime-cu12 wheel. Nothing of either is committed. Idempotent.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

TRITONCLIENT_VERSION="2.51.0"
CUDART_VERSION="12.9.79"
CACHE="$ROOT/.cache"
DEST="$CACHE/perf-analyzer"
WRAPPER="$DEST/perf_analyzer"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
STAMP="$DEST/.stamp"
want="$TRITONCLIENT_VERSION-$CUDART_VERSION-$(sha256sum "$0" | cut -d' ' -f1)"

say() { printf 'perf-analyzer: %s\n' "$*" >&2; }
die() { printf 'perf-analyzer: error: %s\n' "$*" >&2; exit 1; }

[ "$(uname -m)" = "x86_64" ] || die "the tritonclient wheel ships perf_analyzer for x86_64 only"

if ! dpkg -s libb64-0d >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "perf_analyzer needs libb64-0d: install it by hand"
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "perf_analyzer needs libb64-0d: run as root or install sudo"
        sudo=(sudo)
    fi
    say "installing libb64-0d"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libb64-0d >/dev/null
fi

if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$want" ] || [ ! -x "$WRAPPER" ]; then
    [ -x "$PYTHON" ] || die "no $PYTHON: run scripts/setup.sh first"
    mkdir -p "$CACHE/wheels"
    say "downloading tritonclient $TRITONCLIENT_VERSION and nvidia-cuda-runtime-cu12 $CUDART_VERSION wheels"
    "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        --platform manylinux1_x86_64 "tritonclient==$TRITONCLIENT_VERSION" -d "$CACHE/wheels"
    "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        --platform manylinux2014_x86_64 "nvidia-cuda-runtime-cu12==$CUDART_VERSION" -d "$CACHE/wheels"
    rm -rf "$DEST"
    mkdir -p "$DEST/bin" "$DEST/lib"
    "$PYTHON" - "$CACHE/wheels" "$DEST" "$TRITONCLIENT_VERSION" "$CUDART_VERSION" <<'PY'
import glob, os, sys, zipfile
wheels, dest, triton, cudart = sys.argv[1:5]
def extract(pattern, member_suffix, target):
    wheel = sorted(glob.glob(os.path.join(wheels, pattern)))[0]
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(member_suffix))
        with open(target, "wb") as f:
            f.write(archive.read(name))
    os.chmod(target, 0o755)
extract(f"tritonclient-{triton}-*.whl", "/bin/perf_analyzer", os.path.join(dest, "bin", "perf_analyzer"))
extract(f"nvidia_cuda_runtime_cu12-{cudart}-*.whl", "/lib/libcudart.so.12", os.path.join(dest, "lib", "libcudart.so.12"))
PY
    cat >"$WRAPPER" <<'SH'
#!/bin/sh
here="$(cd "$(dirname "$0")" && pwd)"
LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/bin/perf_analyzer" "$@"
SH
    chmod +x "$WRAPPER"
    printf '%s\n' "$want" >"$STAMP"
fi

"$WRAPPER" --version >/dev/null 2>&1 || "$WRAPPER" --help >/dev/null 2>&1 || die "$WRAPPER does not run: $("$WRAPPER" --help 2>&1 | head -n 3)"
printf '%s\n' "$WRAPPER"
