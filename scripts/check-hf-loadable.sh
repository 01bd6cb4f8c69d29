#!/usr/bin/env bash
# Slims the pruned fixtures (and pruned copies of gpt2, qwen2, mistral, llama-gqa, phi3, modernbert) with
# `slimtrace slim --uniform`, loads each result with transformers' from_pretrained and prints the
# max abs difference of its logits from the unslimmed model's (scripts/check-hf-loadable.py).
# Needs Python with torch and transformers (5.24).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product slimtrace >&2
work="$(mktemp -d "${TMPDIR:-/tmp}/slimtrace-hf-XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 scripts/check-hf-loadable.py "$(swift build --show-bin-path)/slimtrace" "$work"
