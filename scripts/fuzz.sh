#!/usr/bin/env bash
# Builds one libFuzzer target of the Fuzzing/ package (with -sanitize=fuzzer,address, into
# .build-fuzz/) and runs it for SECONDS, then prints what it did.
#
#   bash scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags...]
#   TARGET: safetensors | config | keras | inputs | tokenizer
#
# The corpus starts from the committed seeds (Fuzzing/Seeds/TARGET/) and grows in
# .build-fuzz/corpus/TARGET/ (ignored). Memory is capped (-rss_limit_mb, -malloc_limit_mb at
# 2048), so a bomb that allocates gigabytes is a finding; so is an input taking over 30 s (a meta
# build of the largest config allowed, 2,048 layers, takes about 1.5 s under the sanitizers).
# Crashes, timeouts and out-of-memory inputs go to Fuzzing/Crashes/TARGET/ (ignored); minimise one with
#   .build-fuzz/release/TARGETFuzz -minimize_crash=1 -runs=20000 -exact_artifact_path=min.bin CRASH
# and commit it under Tests/Fixtures/fuzz/ with its regression test. The build alone:
#   bash scripts/fuzz.sh TARGET 0
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 2 ] || usage
target="$1"
seconds="$2"
shift 2
case "$target" in
    safetensors) product=SafetensorsFuzz ;;
    config) product=ConfigFuzz ;;
    keras) product=KerasFuzz ;;
    inputs) product=InputsFuzz ;;
    tokenizer) product=TokenizerFuzz ;;
    *) echo "fuzz.sh: unknown target '$target' (expected: safetensors, config, keras, inputs, tokenizer)" >&2; exit 2 ;;
esac
case "$seconds" in
    ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$root/.build-fuzz"
# Linked with the toolchain's lld: gold fails on the sanitizer runtime (internal error in
# format_file_lineno). SwiftPM names every executable's main `<Target>_main`, so each target calls
# libFuzzer's driver itself (FuzzDriver.run) instead of relying on libFuzzer's main.
mkdir -p "$scratch"
lld="$(dirname "$(readlink -f "$(command -v swift)")")/ld.lld"
printf '{"schemaVersion": "1.0", "linker": {"path": "%s"}}\n' "$lld" > "$scratch/lld-toolset.json"
swift build -c release --package-path "$root/Fuzzing" --scratch-path "$scratch" --product "$product" \
    --toolset "$scratch/lld-toolset.json" -Xswiftc -sanitize=fuzzer,address
[ "$seconds" -gt 0 ] || exit 0

corpus="$scratch/corpus/$target"
crashes="$root/Fuzzing/Crashes/$target"
mkdir -p "$corpus" "$crashes"
log="$scratch/$target-$(date +%Y%m%d-%H%M%S).log"
set +e
LSAN_OPTIONS="suppressions=$root/Fuzzing/lsan-suppressions.txt" "$scratch/release/$product" "$corpus" "$root/Fuzzing/Seeds/$target" \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -artifact_prefix="$crashes/" -print_final_stats=1 "$@" 2>&1 | tee "$log" | grep -E '^(#[0-9]+.*(INITED|DONE|NEW)|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' | tail -n 40
status=${PIPESTATUS[0]}
set -e
echo "fuzz.sh: $target ran ${seconds}s (exit $status); full log: $log"
grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -n 1 | sed 's/^/fuzz.sh: last status: /'
grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$log" | sed 's/^/fuzz.sh: /'
ls "$crashes" | sed "s|^|fuzz.sh: finding: Fuzzing/Crashes/$target/|"
exit "$status"
