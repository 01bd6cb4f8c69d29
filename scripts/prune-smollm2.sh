#!/usr/bin/env bash
# Prunes SmolLM2-135M's feed-forward channels at 20% and 30% with OBS (greedy Optimal Brain Surgeon
# with least-squares reconstruction; uniform, adaptive), FLAP (uniform, adaptive), Wanda-sp and
# magnitude, and prints the perplexity table (issue 15):
#
#   bash scripts/prune-smollm2.sh [MODEL=/work/smollm2] [WORK=/tmp/prune-smollm2]
#
# Calibration: 32 windows of 256 tokens of $CALIBRATION (calibration.txt); evaluation: 24 windows of
# 256 tokens of $EVALUATION (evaluation.txt); swap them to check that nothing fits one text.
# $CONFIGS (method:allocation ...) narrows the table. Each configuration is pruned once with --keep-shapes (evaluated by PyTorch,
# scripts/eval-ppl.py) and that checkpoint slimmed (`slim --round 1 --only ffn`, evaluated by
# `slimtrace eval`); OBS and FLAP 20% uniform are also pruned straight to a slimmed checkpoint, timed,
# with their peak memory. Nothing here is tuned to the model or the text.
set -euo pipefail
MODEL=${1:-/work/smollm2}
WORK=${2:-/tmp/prune-smollm2}
TEXT=${TEXT:-/work/shared/fixtures/text}
CALIBRATION=${CALIBRATION:-$TEXT/calibration.txt}
EVALUATION=${EVALUATION:-$TEXT/evaluation.txt}
CONFIGS=${CONFIGS:-obs:uniform obs:adaptive flap:uniform flap:adaptive wanda-sp:uniform magnitude:uniform}
BIN=${BIN:-$(swift build -c release --show-bin-path)/slimtrace}
mkdir -p "$WORK"
eval_args=(--text-file "$EVALUATION" --window 256 --stride 256 --samples 24)
ppl_torch() { python3 scripts/eval-ppl.py "$1" "${eval_args[@]}" 2>/dev/null | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["perplexity"])'; }
ppl_swift() { "$BIN" eval "$1" "${eval_args[@]}" --format json | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["perplexity"])'; }

dense_torch=$(ppl_torch "$MODEL")
dense_swift=$(ppl_swift "$MODEL")
rows=("dense - - $dense_torch $dense_swift")
for sparsity in 0.2 0.3; do
    for config in $CONFIGS; do
        method=${config%%:*}; allocation=${config##*:}
        name="$method-$allocation-$sparsity"
        "$BIN" prune "$MODEL" --calibration "$CALIBRATION" --window 256 --samples 32 \
            --ffn-sparsity "$sparsity" --method "$method" --allocation "$allocation" \
            --keep-shapes --output "$WORK/$name-hf" --force > "$WORK/$name.txt"
        "$BIN" slim "$WORK/$name-hf" --round 1 --only ffn --tolerance 1e-3 --output "$WORK/$name-slim" --force > /dev/null
        rows+=("$method $allocation $sparsity $(ppl_torch "$WORK/$name-hf") $(ppl_swift "$WORK/$name-slim")")
    done
done

timings=()
for method in obs flap; do
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" prune "$MODEL" --calibration "$CALIBRATION" \
        --samples 32 --ffn-sparsity 0.2 --method "$method" --output "$WORK/$method-direct" --force > /dev/null
    read -r seconds kilobytes < "$WORK/time.txt"
    timings+=("prune ($method uniform 20%, 32x256 calibration, slimmed): ${seconds} s, peak RSS $((kilobytes / 1024)) MiB")
done
checkpoint=$(stat -c %s "$MODEL/model.safetensors")

printf '%-10s %-9s %-8s %-14s %-14s %-8s\n' method alloc sparsity "ppl(pytorch)" "ppl(slimtrace)" "x dense"
for row in "${rows[@]}"; do
    read -r method allocation sparsity torch swift <<< "$row"
    printf '%-10s %-9s %-8s %-14s %-14s %-8s\n' "$method" "$allocation" "$sparsity" "$torch" "$swift" \
        "$(python3 -c "print('%.3f' % ($torch / $dense_torch))")"
done
printf '%s\n' "${timings[@]}"
echo "checkpoint $((checkpoint / 1048576)) MiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
