#!/usr/bin/env bash
# Renders `slimtrace report` pages to PNG with headless Chromium, to look at them (not CI):
# the bert, electra (an unsafe finding), llama-gqa and mixtral fixtures, the llama-pruned fixture compared with its slim
# (`report --compare`; also in greyscale), and a BERT-base config alone (meta) whose module-level DOT is also drawn
# with Graphviz when `dot` is installed (its size is printed: it must stay under 2,000 px).
#
#   bash scripts/render-report.sh [OUT_DIR (default /tmp/slimtrace-report)] [--binary PATH]
#
# Needs Debian's `chromium` (apt-get install -y chromium; graphviz for the DOT picture). Builds the
# release binary unless --binary names one. Writes NAME.html and NAME.png per page into OUT_DIR.
set -euo pipefail

out=/tmp/slimtrace-report
binary=
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "render-report.sh: unknown option '$1'" >&2; exit 2 ;;
        *) out="$1"; shift ;;
    esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures="$root/Tests/Fixtures/models"
if [ -z "$binary" ]; then
    (cd "$root" && swift build -c release --product slimtrace >/dev/null)
    binary="$root/.build/release/slimtrace"
fi
command -v chromium >/dev/null || { echo "render-report.sh: chromium is not installed (apt-get install -y chromium)" >&2; exit 1; }
mkdir -p "$out"

shoot() {  # NAME WIDTH HEIGHT: NAME.html to NAME.png
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size="$2,$3" --screenshot="$out/$1.png" "file://$out/$1.html" >/dev/null 2>&1
    echo "$out/$1.png"
}

for model in bert electra llama-gqa mixtral; do
    "$binary" report "$fixtures/$model" -o "$out/$model.html"
    shoot "$model" 1280 2600
done

rm -rf "$out/llama-slim"
"$binary" slim "$fixtures/llama-pruned" --output "$out/llama-slim" >/dev/null
"$binary" report "$fixtures/llama-pruned" --compare "$out/llama-slim" -o "$out/llama-compare.html"
shoot llama-compare 1280 3200
# The same page in greyscale: patterns and outlines must still tell kept, removed and unsafe apart.
sed 's#</style>#html { filter: grayscale(100%); }</style>#' "$out/llama-compare.html" > "$out/llama-compare-grey.html"
shoot llama-compare-grey 1280 1400
sed 's#</style>#html { filter: grayscale(100%); }</style>#' "$out/electra.html" > "$out/electra-grey.html"
shoot electra-grey 1280 1200

mkdir -p "$out/bert-base"
cat > "$out/bert-base/config.json" <<'JSON'
{"architectures": ["BertForSequenceClassification"], "hidden_act": "gelu", "hidden_size": 768, "intermediate_size": 3072,
 "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12,
 "num_hidden_layers": 12, "pad_token_id": 0, "type_vocab_size": 2, "vocab_size": 30522}
JSON
"$binary" report "$out/bert-base" --meta -o "$out/bert-base.html"
shoot bert-base 1280 2000
"$binary" trace "$out/bert-base" --meta --format dot --level module -o "$out/bert-base-modules.dot"
if command -v dot >/dev/null; then
    dot -Tpng "$out/bert-base-modules.dot" -o "$out/bert-base-modules.png"
    python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print(sys.argv[1], "%d x %d px" % struct.unpack(">II", d[16:24]))' "$out/bert-base-modules.png"
fi
