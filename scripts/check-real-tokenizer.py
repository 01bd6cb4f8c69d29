"""Compare `slimtrace tokenize` with Hugging Face `tokenizers` on a real tokenizer.json.

    python3 scripts/check-real-tokenizer.py SLIMTRACE_BINARY TOKENIZER_JSON_OR_MODEL TEXT_FILE [LINES]

Every non-empty line of TEXT_FILE (up to LINES, default 200) is encoded by both (with the special
tokens the tokenizer's post-processor adds); prints how many agree and the first disagreement.
Needs the `tokenizers` package; slimtrace itself never does.
"""
import json, os, subprocess, sys
from tokenizers import Tokenizer

binary, source, text_file = sys.argv[1:4]
limit = int(sys.argv[4]) if len(sys.argv) > 4 else 200
path = os.path.join(source, "tokenizer.json") if os.path.isdir(source) else source
reference = Tokenizer.from_file(path)
lines = [l.rstrip("\n") for l in open(text_file, encoding="utf-8") if l.strip()][:limit]
agree = 0
for line in lines:
    out = subprocess.run([binary, "tokenize", source, "--text", line, "--format", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        print("slimtrace failed on", repr(line[:60]), out.stderr.strip()); continue
    ours = json.loads(out.stdout)["ids"]
    theirs = reference.encode(line).ids
    if ours == theirs:
        agree += 1
    elif agree + 1 == len(lines) or True:
        print("differs on", repr(line[:80]), "\n  slimtrace", ours[:20], "\n  tokenizers", theirs[:20])
print(f"{agree} of {len(lines)} lines give identical ids ({path})")
