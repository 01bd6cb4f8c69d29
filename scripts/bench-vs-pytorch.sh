#!/usr/bin/env bash
# slimtrace vs PyTorch eager on the same checkpoints, interleaved (slimtrace, PyTorch, slimtrace, ...):
# BERT-base (BertForSequenceClassification) and a Qwen2-0.5B-shaped causal LM, random weights,
# f32, one sequence of 128 tokens. Measuring only: needs python3 with torch and transformers.
#
#   bash scripts/bench-vs-pytorch.sh [--rounds N (5)] [--repeat N (10)] [MODEL ...]
#        MODEL: bert-base, qwen2-0.5b (default: both)
#
# The checkpoints are written to $SLIMTRACE_BENCH_DIR (default /tmp/slimtrace-bench) when absent.
# Each round runs `slimtrace bench MODEL --shape 1,128 --repeat N` and a PyTorch loop of N forwards
# (torch.set_num_threads(2)) and takes both medians; speed ratio = PyTorch ms / slimtrace ms
# (above 1: slimtrace is faster). Prints every round, then the min and median ratio, and the
# GEMM backend slimtrace ran on. The environment is passed through as it is.
set -euo pipefail

rounds=5
repeat=10
models=()
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        bert-base|qwen2-0.5b) models+=("$1"); shift ;;
        *) echo "bench-vs-pytorch.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ "${#models[@]}" -gt 0 ] || models=(bert-base qwen2-0.5b)

root="$(cd "$(dirname "$0")/.." && pwd)"
directory="${SLIMTRACE_BENCH_DIR:-/tmp/slimtrace-bench}"
python3 "$root/scripts/bench-vs-pytorch.py" make "$directory"
(cd "$root" && swift build -c release --product slimtrace >&2)
slimtrace="$root/.build/release/slimtrace"

for model in "${models[@]}"; do
    checkpoint="$directory/$model"
    ratios=()
    gemm=""
    for round in $(seq 1 "$rounds"); do
        report="$("$slimtrace" bench "$checkpoint" --shape 1,128 --repeat "$repeat" --warmup 2)"
        ours="$(sed -n 's/^forward: median \([0-9.]*\) ms.*/\1/p' <<<"$report")"
        gemm="$(grep '^gemm: ' <<<"$report")"
        theirs="$(python3 "$root/scripts/bench-vs-pytorch.py" time "$checkpoint" --repeat "$repeat" --warmup 2 2>/dev/null)"
        ratio="$(python3 -c "print(f'{$theirs / $ours:.3f}')")"
        ratios+=("$ratio")
        echo "$model round $round: slimtrace $ours ms, pytorch $theirs ms, speed ratio $ratio"
    done
    python3 - "$model" "${ratios[@]}" <<'PY'
import statistics, sys
model, ratios = sys.argv[1], [float(r) for r in sys.argv[2:]]
print(f"{model}: speed ratio (pytorch ms / slimtrace ms) min {min(ratios):.3f}, median {statistics.median(ratios):.3f} over {len(ratios)} rounds")
PY
    echo "$model $gemm"
done
