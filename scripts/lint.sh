#!/usr/bin/env bash
# Guard rails the compiler does not check (warnings are errors already, Package.swift):
# every Swift Testing suite has a time limit, so a hung test fails instead of stalling the run.
# A few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

untimed="$(grep -rn --include='*.swift' '@Suite' Tests | grep -v 'timeLimit' || true)"
if [ -n "$untimed" ]; then
    printf 'suites without .timeLimit:\n%s\n' "$untimed" >&2
    exit 1
fi
echo "lint: every suite has a time limit"
