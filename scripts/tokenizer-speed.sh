#!/usr/bin/env bash
# Tokenizer throughput, slimtrace beside Python's Hugging Face `tokenizers` (single-threaded:
# TOKENIZERS_PARALLELISM=false), on ~400 KB of English (Benchmarks/Data/english-400k.txt), for the
# reference tokenizers of each kind: encoding the whole text as one string and line by line.
#
#   bash scripts/tokenizer-speed.sh [tokenizer.json ...]
#
# Prints MB/s for both and slimtrace's ratio to Python. Needs python3 with `tokenizers` only for the
# comparison column.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
text="$root/Benchmarks/Data/english-400k.txt"
fixtures="$root/Tests/Fixtures/tokenizers"
if [ "$#" -gt 0 ]; then
    tokenizers=("$@")
else
    tokenizers=("$fixtures/shared/bpe-bytelevel-gpt2/tokenizer.json" "$fixtures/shared/wordpiece-bert-uncased/tokenizer.json"
                "$fixtures/shared/bpe-sentencepiece-bytefallback/tokenizer.json" "$fixtures/shared/unigram-t5/tokenizer.json")
fi
swift build -c release --package-path "$root/Benchmarks" --product TokenizerSpeed >/dev/null
binary="$(swift build -c release --package-path "$root/Benchmarks" --show-bin-path)/TokenizerSpeed"

for tokenizer in "${tokenizers[@]}"; do
    name="$(basename "$(dirname "$tokenizer")")"
    swift_line="$("$binary" "$tokenizer" "$text" 3)"
    python_line="$(TOKENIZERS_PARALLELISM=false python3 - "$tokenizer" "$text" <<'PY' 2>/dev/null || echo "python: unavailable"
import sys, time
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
lines = text.split("\n")
mb = len(text.encode()) / 1e6
def best(f):
    times = []
    for _ in range(3):
        t = time.perf_counter(); n = f(); times.append(time.perf_counter() - t)
    return min(times), n
w, wn = best(lambda: len(tok.encode(text).ids))
l, ln = best(lambda: sum(len(tok.encode(x).ids) for x in lines))
print(f"whole {mb / w:.2f} MB/s ({wn} tokens)  lines {mb / l:.2f} MB/s ({ln} tokens)")
PY
)"
    echo "$name"
    echo "  slimtrace: $swift_line"
    echo "  python:    $python_line"
    python3 - "$swift_line" "$python_line" <<'PY' 2>/dev/null || true
import re, sys
s = [float(x) for x in re.findall(r"([\d.]+) MB/s", sys.argv[1])]
p = [float(x) for x in re.findall(r"([\d.]+) MB/s", sys.argv[2])]
if len(s) == 2 and len(p) == 2:
    print(f"  ratio slimtrace/python: whole {s[0] / p[0]:.2f}x  lines {s[1] / p[1]:.2f}x")
PY
done
