#!/usr/bin/env bash
# Times the release binary on real-sized config.json files alone (meta mode, no weights): search of
# Mixtral-8x7B, Qwen3-235B-A22B and LLaMA-2-70B, and the HTML report of LLaMA-2-70B. Prints the
# wall time, peak RSS and (for the report) the page's size, best of RUNS:
#
#   bash scripts/large-config-search.sh [RUNS=5]
#
# Goals (issues 12 and 16): each search under 1 s and 500 MB; the 70B report under 2 s and 2 MB.
set -euo pipefail
RUNS=${1:-5}
cd "$(dirname "$0")/.."
swift build -c release --product slimtrace > /dev/null
BIN=$(swift build -c release --show-bin-path)/slimtrace
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

best() {  # best wall time and its RSS over RUNS runs of "$@"
    local best_line=""
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2>&1
        read -r seconds kilobytes < "$WORK/time"
        if [[ -z $best_line ]] || awk -v a="$seconds" -v b="${best_line%% *}" 'BEGIN { exit !(a < b) }'; then
            best_line="$seconds $kilobytes"
        fi
    done
    echo "$best_line"
}

printf '%-34s %8s %9s %10s\n' case "wall s" "RSS MiB" "page KiB"
for config in mixtral-8x7b qwen3-235b-a22b llama2-70b; do
    read -r seconds kilobytes <<< "$(best "$BIN" Tests/Fixtures/configs/$config --format json)"
    printf '%-34s %8s %9d %10s\n' "search $config" "$seconds" $((kilobytes / 1024)) -
done
read -r seconds kilobytes <<< "$(best "$BIN" report Tests/Fixtures/configs/llama2-70b -o "$WORK/report.html")"
printf '%-34s %8s %9d %10d\n' "report llama2-70b" "$seconds" $((kilobytes / 1024)) $(( $(stat -c %s "$WORK/report.html") / 1024 ))
