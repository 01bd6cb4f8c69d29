"""Checks that `slimtrace slim --uniform` writes checkpoints Hugging Face transformers loads.

For each case (the pruned fixtures, and pruned copies of other fixtures built here with different
zero counts per layer), slims with `--uniform`, loads the result with `from_pretrained` (no
missing, unexpected or mismatched tensors allowed) and prints the max abs difference between its
logits and the unslimmed model's on the fixture's reference input.

Usage: python3 scripts/check-hf-loadable.py SLIMTRACE_BINARY WORK_DIR
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import torch
import transformers
from safetensors import safe_open
from safetensors.torch import load_file, save_file

FIXTURES = Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "models"


def zero_channels(tensor, channels, dim):
    """Zeroes `channels` of `tensor` along `dim`."""
    index = torch.tensor(channels, dtype=torch.long)
    tensor.index_fill_(dim, index, 0.0)


def random_channels(count, width, seed):
    """`count` distinct channels of `width`, drawn reproducibly."""
    return sorted(torch.randperm(width, generator=torch.Generator().manual_seed(seed))[:count].tolist())


def heads_channels(heads, size, offset=0):
    return [offset + head * size + i for head in heads for i in range(size)]


def prune_decoder(tensors, config, zero_counts, zero_groups):
    """LLaMA-style layers: `zero_counts[layer]` feed-forward channels (down_proj columns) and the
    key/value groups `zero_groups[layer]` (their q, k, v rows and o_proj columns)."""
    heads, kv = config["num_attention_heads"], config.get("num_key_value_heads") or config["num_attention_heads"]
    size = config.get("head_dim") or config["hidden_size"] // heads
    group = heads // kv
    width = config["intermediate_size"]
    for layer, (count, groups) in enumerate(zip(zero_counts, zero_groups)):
        prefix = f"model.layers.{layer}."
        zero_channels(tensors[prefix + "mlp.down_proj.weight"], random_channels(count, width, layer), 1)
        query = heads_channels([g * group + h for g in groups for h in range(group)], size)
        kv_channels = heads_channels(groups, size)
        if prefix + "self_attn.qkv_proj.weight" in tensors:
            fused = query + [heads * size + c for c in kv_channels] + [(heads + kv) * size + c for c in kv_channels]
            zero_channels(tensors[prefix + "self_attn.qkv_proj.weight"], fused, 0)
        else:
            zero_channels(tensors[prefix + "self_attn.q_proj.weight"], query, 0)
            zero_channels(tensors[prefix + "self_attn.k_proj.weight"], kv_channels, 0)
            zero_channels(tensors[prefix + "self_attn.v_proj.weight"], kv_channels, 0)
        zero_channels(tensors[prefix + "self_attn.o_proj.weight"], query, 1)


def prune_gpt2(tensors, config, zero_counts, zero_heads):
    """GPT-2 layers (Conv1D, weights `[in, out]`): feed-forward channels (c_proj rows) and heads
    (their q, k, v columns of c_attn, and c_proj rows), which `--uniform` must leave."""
    size = config["n_embd"] // config["n_head"]
    for layer, (count, heads) in enumerate(zip(zero_counts, zero_heads)):
        prefix = f"transformer.h.{layer}."
        zero_channels(tensors[prefix + "mlp.c_proj.weight"], random_channels(count, config["n_inner"], layer), 0)
        channels = heads_channels(heads, size)
        fused = [part * config["n_embd"] + c for part in range(3) for c in channels]
        zero_channels(tensors[prefix + "attn.c_attn.weight"], fused, 1)
        zero_channels(tensors[prefix + "attn.c_proj.weight"], channels, 0)


def prune_modernbert(tensors, config, zero_counts, zero_heads):
    """ModernBERT layers: GeGLU channels (the same rows of Wi's input and gate halves, mlp.Wo
    columns) and heads (their q, k, v rows of Wqkv, attn.Wo columns), which `--uniform` must leave."""
    width, hidden = config["intermediate_size"], config["hidden_size"]
    size = hidden // config["num_attention_heads"]
    for layer, (count, heads) in enumerate(zip(zero_counts, zero_heads)):
        prefix = f"model.layers.{layer}."
        channels = random_channels(count, width, layer)
        zero_channels(tensors[prefix + "mlp.Wi.weight"], channels + [width + c for c in channels], 0)
        zero_channels(tensors[prefix + "mlp.Wo.weight"], channels, 1)
        query = heads_channels(heads, size)
        zero_channels(tensors[prefix + "attn.Wqkv.weight"], [part * hidden + c for part in range(3) for c in query], 0)
        zero_channels(tensors[prefix + "attn.Wo.weight"], query, 1)


# name: (fixture, pruning or None for a fixture that is pruned already)
CASES = {
    "bert-pruned": ("bert-pruned", None),
    "opt-pruned": ("opt-pruned", None),
    "llama-pruned": ("llama-pruned", None),
    "gpt2 (40/70 zero channels, 1/2 zero heads)": ("gpt2", lambda t, c: prune_gpt2(t, c, [40, 70], [[3], [0, 2]])),
    "qwen2 (64/96 channels, groups [1]/[1,2])": ("qwen2", lambda t, c: prune_decoder(t, c, [64, 96], [[1], [1, 2]])),
    "mistral (70/64 channels, groups [0,3]/[2])": ("mistral", lambda t, c: prune_decoder(t, c, [70, 64], [[0, 3], [2]])),
    "llama-gqa (96/64 channels, groups [0]/[0,1])": ("llama-gqa", lambda t, c: prune_decoder(t, c, [96, 64], [[0], [0, 1]])),
    "phi3 (64/80 channels, groups [1]/[0])": ("phi3", lambda t, c: prune_decoder(t, c, [64, 80], [[1], [0]])),
    "modernbert (64/70 GeGLU channels, heads [1]/[0,2])": ("modernbert", lambda t, c: prune_modernbert(t, c, [64, 70], [[1], [0, 2]])),
}


def pruned_copy(fixture, prune, folder):
    """The fixture, or a copy of it with `prune` applied to its tensors."""
    source = FIXTURES / fixture
    if prune is None:
        return source
    folder.mkdir(parents=True)
    for item in source.iterdir():
        if item.name not in ("model.safetensors",) and item.is_file():
            shutil.copy(item, folder / item.name)
    tensors = load_file(source / "model.safetensors")
    prune(tensors, json.loads((source / "config.json").read_text()))
    save_file(tensors, folder / "model.safetensors", metadata={"format": "pt"})
    return folder


def load(folder):
    config = json.loads((folder / "config.json").read_text())
    model_class = getattr(transformers, config["architectures"][0])
    model, info = model_class.from_pretrained(folder, output_loading_info=True)
    problems = {key: value for key, value in info.items() if value and key != "error_msgs"}
    if problems:
        raise SystemExit(f"{folder}: transformers loaded it with {problems}")
    return model.eval()


def logits(model, inputs):
    with torch.no_grad():
        output = model(**inputs)
    return output.logits if hasattr(output, "logits") else output.last_hidden_state


def main():
    binary, work = sys.argv[1], Path(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    rows = [("case", "config.json sizes written", "params before -> after", "max |diff| vs unslimmed")]
    worst = 0.0
    for number, (name, (fixture, prune)) in enumerate(CASES.items()):
        source = pruned_copy(fixture, prune, work / f"pruned-{number}")
        output = work / f"slim-{number}"
        result = subprocess.run([binary, "slim", str(source), "--output", str(output), "--uniform", "--format", "json"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{name}: slimtrace failed: {result.stderr}")
        report = json.loads(result.stdout)
        form = report["hugging_face"]
        if not form["loads"]:
            raise SystemExit(f"{name}: slimtrace says Hugging Face cannot load it: {form['reason']}")
        with safe_open(FIXTURES / fixture / "reference_io.safetensors", "pt") as file:
            inputs = {key: file.get_tensor(key) for key in file.keys() if not key.startswith("logits")}
        difference = (logits(load(output), inputs) - logits(load(source), inputs)).abs().max().item()
        worst = max(worst, difference)
        settings = ", ".join(f"{s['key']} {s['value']}" for s in form["settings"]) or "-"
        rows.append((name, settings, f"{report['parameters_before']} -> {report['parameters_after']}", f"{difference:.3g}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print(f"transformers {transformers.__version__}, torch {torch.__version__}: worst max |diff| {worst:.3g}")
    if worst > 1e-5:
        raise SystemExit("a slimmed model's logits differ from the unslimmed model's by more than 1e-5")


if __name__ == "__main__":
    main()
