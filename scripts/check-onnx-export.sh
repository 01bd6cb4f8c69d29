#!/usr/bin/env bash
# Exports checkpoints to ONNX with slimtrace and checks each in onnxruntime against PyTorch
# (scripts/check-onnx-export.py: onnx.checker, outputs within 1e-4 at lengths 7 and 40 after an
# export at 16 tokens), printing a table.
#
#   bash scripts/check-onnx-export.sh                  # every model fixture, and each *-pruned
#                                                      # fixture slimmed by `slimtrace slim`
#   bash scripts/check-onnx-export.sh DIR [DIR...]     # any checkpoint folders
#   SLIMTRACE=path/to/slimtrace bash scripts/...       # a built binary (default: swift build's)
#
# Needs python3 with torch, transformers, onnx and onnxruntime (outside the test suite).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${SLIMTRACE:-}" ]; then
    swift build --package-path "$root" --product slimtrace >&2
    SLIMTRACE="$(swift build --package-path "$root" --show-bin-path)/slimtrace"
fi
export SLIMTRACE

models=("$@")
if [ ${#models[@]} -eq 0 ]; then
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    for folder in "$root"/Tests/Fixtures/models/*/; do
        folder="${folder%/}"
        models+=("$folder")
        case "$(basename "$folder")" in
            *-pruned)
                slimmed="$scratch/$(basename "$folder")-slimmed"
                "$SLIMTRACE" slim "$folder" --output "$slimmed" >/dev/null
                models+=("$slimmed=$folder")
                ;;
        esac
    done
fi
python3 "$root/scripts/check-onnx-export.py" --slimtrace "$SLIMTRACE" "${models[@]}"
