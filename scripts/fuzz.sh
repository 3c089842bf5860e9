#!/usr/bin/env bash
# Fuzzes the parsers of client input with libFuzzer and AddressSanitizer (docs/fuzzing.md):
#   scripts/fuzz.sh [target|all] [seconds]     (default: all targets, 60 s each)
# Builds hailo8-fuzz into .build-fuzz/, then runs each target for the given seconds from its
# seeds in Tests/FuzzRegressions/<target>/ and the corpus it grew before in .fuzz/corpus/<target>/.
# A crash, a trap, a 5xx answer to bad input, a leak, a hang (over 10 s) or memory over 4 GB is
# written to .fuzz/findings/<target>/ and makes the command fail. Not part of scripts/test.sh;
# the regression tests (swift test) replay Tests/FuzzRegressions.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

WANTED="${1:-all}"
SECONDS_EACH="${2:-60}"
BUILD=".build-fuzz"
OUT=".fuzz"

say() { printf 'fuzz: %s\n' "$*"; }

# SwiftPM hands swiftc the two sanitizers as two -sanitize= flags, of which swiftc keeps the last:
# the last one, from -Xswiftc, names both, or the Swift code gets no coverage instrumentation.
build=(swift build -c release --build-path "$BUILD" --sanitize=fuzzer --sanitize=address
       -Xswiftc -sanitize=fuzzer,address --product hailo8-fuzz)
say "building hailo8-fuzz into $BUILD/ (the first build takes a while)"
HAILO8_FUZZ=1 "${build[@]}"
BIN="$(HAILO8_FUZZ=1 "${build[@]}" --show-bin-path)/hailo8-fuzz"

# Swift's crash backtracer hangs under AddressSanitizer; libFuzzer prints its own stack.
export SWIFT_BACKTRACE=enable=no

failed=()
found=0
while read -r target max_len dictionaries; do
    [ "$WANTED" = all ] || [ "$WANTED" = "$target" ] || continue
    found=1
    corpus="$OUT/corpus/$target" findings="$OUT/findings/$target" log="$OUT/logs/$target.log"
    mkdir -p "$corpus" "$findings" "$OUT/logs"
    dict=()
    if [ -n "$dictionaries" ]; then
        for name in $dictionaries; do cat "Fuzz/Dictionaries/$name.dict"; done >"$OUT/$target.dict"
        dict=(-dict="$OUT/$target.dict")
    fi
    say "$target: ${SECONDS_EACH}s, -max_len=$max_len (log: $log)"
    if HAILO8_FUZZ_TARGET="$target" "$BIN" "$corpus" "Tests/FuzzRegressions/$target" \
        -max_len="$max_len" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$findings/" -print_final_stats=1 "${dict[@]}" </dev/null >"$log" 2>&1; then
        say "$target: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') inputs, nothing found"
    else
        say "$target: FOUND something; the input is in $findings/, the report at the end of $log:"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*Fatal error)|artifact_prefix|Test unit written' "$log" | head -n 8 || tail -n 20 "$log"
        failed+=("$target")
    fi
done < <(HAILO8_FUZZ_TARGET=list "$BIN")

[ "$found" = 1 ] || { say "no target '$WANTED' (HAILO8_FUZZ_TARGET=list $BIN lists them)"; exit 2; }
if [ "${#failed[@]}" -gt 0 ]; then
    say "findings in: ${failed[*]}: fix the parser (bad input is a 4xx, never a trap), then add the input to Tests/FuzzRegressions/<target>/"
    exit 1
fi
say "done"
