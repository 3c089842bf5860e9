#!/usr/bin/env bash
# Guard rails the compiler does not check (warnings are errors already, Package.swift): the
# code's format (swift format lint --strict, .swift-format; `swift format format -i -r Sources
# Tests` fixes what it finds), and a time limit on every Swift Testing suite, so a hung test
# fails instead of stalling the run. A few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

swift format lint --strict --recursive Sources Tests
echo "lint: swift format finds nothing"

untimed="$(grep -rn --include='*.swift' '@Suite' Tests | grep -v 'timeLimit' || true)"
if [ -n "$untimed" ]; then
    printf 'suites without .timeLimit:\n%s\n' "$untimed" >&2
    exit 1
fi
echo "lint: every suite has a time limit"
