#!/usr/bin/env bash
# Prunes the llama-heads fixture's attention heads with `slimtrace prune --head-sparsity` and checks
# the result against the PyTorch reference and transformers (scripts/check-prune-heads.py).
# Needs Python with torch and transformers (5.24).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product slimtrace >&2
work="$(mktemp -d "${TMPDIR:-/tmp}/slimtrace-heads-XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 scripts/check-prune-heads.py "$(swift build --show-bin-path)/slimtrace" "$work"
