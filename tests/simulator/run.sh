#!/usr/bin/env bash
# Builds the HailoRT simulator (libHailoRTSimulator.so) and its C self-test with gcc in a temporary
# directory, writes the simulated HEFs there and runs the self-test. The last line printed is
# "N passed, M failed"; the exit status is non-zero when anything failed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CC="${CC:-gcc}"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hailo-sim-test.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

CFLAGS=(-std=gnu11 -O2 -Wall -Wextra -Werror -I "$ROOT/Sources/CHailoRT/include" -I "$ROOT/Sources/HailoRTSimulator/include")

"$CC" "${CFLAGS[@]}" -shared -fPIC "$ROOT"/Sources/HailoRTSimulator/*.c -o "$WORK/libHailoRTSimulator.so" -lpthread
"$CC" "${CFLAGS[@]}" "$ROOT/tests/simulator/selftest.c" -o "$WORK/selftest" -ldl -lpthread -lm

# Only the hailo_* functions declared in CHailoRT.h may be exported.
exported="$(nm -D --defined-only "$WORK/libHailoRTSimulator.so" | awk '{print $3}' | sort)"
declared="$(grep -o 'hailo_[a-z0-9_]*_fn)' "$ROOT/Sources/CHailoRT/include/CHailoRT.h" | sed 's/_fn)$//' | sort)"
if [ "$exported" != "$declared" ]; then
    echo "exported symbols differ from CHailoRT.h:"
    diff <(printf '%s\n' "$declared") <(printf '%s\n' "$exported") || true
    echo "0 passed, 1 failed"
    exit 1
fi

"$PYTHON" "$ROOT/tests/models/make_sim_hefs.py" "$WORK/hefs" >/dev/null
"$WORK/selftest" "$WORK/libHailoRTSimulator.so" "$WORK/hefs"
