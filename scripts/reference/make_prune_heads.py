"""Makes the head-pruning reference: Tests/Fixtures/models/llama-heads (a tiny LLaMA with grouped-query
attention, 3 layers of 6 query heads in 3 key/value groups, random init seed 0, the llama-text
fixture's tokenizer) and Tests/PruneTests/Fixtures/heads_reference.{json,safetensors}: what an
independent PyTorch implementation of FLAP-style head pruning gives on it.

The reference follows FLAP's `prune_flap` for `self_attn.o_proj`, written here from the method, not
from slimtrace: forward hooks gather each o_proj input channel's mean, sample variance and squared
norm over every calibration token (float64); a channel scores Var(x_j)·‖W_o[:, j]‖² (flap),
‖W_o[:, j]‖·‖x_j‖ (wanda-sp) or ‖W_o[:, j]‖ (magnitude); a key/value group (its kv head and query
heads) scores the sum of its query heads' channels (uniform) or the mean of the layer-standardized
channel scores (adaptive, and to rank layers for `head_layers`); floor(s·groups) groups go per layer
(uniform; with head_layers < 1 only in the floor(f·layers) layers whose groups to lose have the lowest
mean standardized score) or floor(s·all groups) across layers (adaptive; every layer keeps a group).
Removed groups' q/k/v rows and o_proj columns are zeroed and, for flap, W_o[:, removed]·mean[removed]
is added to o_proj's bias (created, with attention_bias=True and zero q/k/v biases). The logits of the
pruned model on a probe window are stored per case (the first 256 vocabulary entries).

Calibration: `heads_calibration.txt` (committed) tokenised as one stream without special tokens, cut
into 8 windows of 32 tokens, as `slimtrace prune --window 32 --samples 8` cuts it; the probe is the
window after them.

Run from the repository root: python3 scripts/reference/make_prune_heads.py
"""
import json
import math
import os
import shutil

import torch
from safetensors.torch import save_file
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

MODEL = "Tests/Fixtures/models/llama-heads"
TOKENIZER = "Tests/Fixtures/models/llama-text"
FIXTURES = "Tests/PruneTests/Fixtures"
WINDOW, SAMPLES = 32, 8
VOCABULARY = 256  # logits stored for the first 256 token ids (every position), to keep the file small
CASES = [
    dict(method="flap", allocation="uniform", head_sparsity=0.34, head_layers=1.0),
    dict(method="flap", allocation="uniform", head_sparsity=0.34, head_layers=0.34),
    dict(method="flap", allocation="adaptive", head_sparsity=0.4, head_layers=1.0),
    dict(method="wanda-sp", allocation="uniform", head_sparsity=0.67, head_layers=1.0),
    dict(method="magnitude", allocation="adaptive", head_sparsity=0.34, head_layers=1.0),
]


def make_model():
    os.makedirs(MODEL, exist_ok=True)
    torch.manual_seed(0)
    model = LlamaForCausalLM(LlamaConfig(
        vocab_size=2000, hidden_size=48, intermediate_size=96, num_hidden_layers=3, num_attention_heads=6,
        num_key_value_heads=3, head_dim=8, max_position_embeddings=128, tie_word_embeddings=True, use_cache=False,
        initializer_range=0.1, bos_token_id=1, eos_token_id=2)).eval()
    model.save_pretrained(MODEL, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(TOKENIZER, name), os.path.join(MODEL, name))


def floor(value):
    return int(math.floor(value + 1e-9))


def standardized_group_means(scores, groups):
    mean = scores.mean()
    spread = ((scores - mean) ** 2).mean().sqrt()
    standard = (scores - mean) / spread
    return [standard[channels].mean().item() for channels in groups]


def choose(layer_scores, layer_groups, case):
    sparsity, allocation, layers = case["head_sparsity"], case["allocation"], case["head_layers"]
    if allocation == "uniform":
        chosen = []
        for scores, groups in zip(layer_scores, layer_groups):
            sums = [scores[channels].sum().item() for channels in groups]
            count = min(floor(sparsity * len(groups)), len(groups) - 1)
            chosen.append(sorted(sorted(range(len(groups)), key=lambda g: (sums[g], g))[:count]))
        if layers < 1:
            cost = []
            for scores, groups, removed in zip(layer_scores, layer_groups, chosen):
                means = standardized_group_means(scores, groups)
                cost.append(sum(means[g] for g in removed) / len(removed) if removed else math.inf)
            keep = set(sorted(range(len(cost)), key=lambda i: (cost[i], i))[:floor(layers * len(cost))])
            chosen = [removed if i in keep else [] for i, removed in enumerate(chosen)]
        return chosen
    candidates = []
    for layer, (scores, groups) in enumerate(zip(layer_scores, layer_groups)):
        for group, value in enumerate(standardized_group_means(scores, groups)):
            candidates.append((value, layer, group))
    total = floor(sparsity * len(candidates))
    chosen = [[] for _ in layer_scores]
    for value, layer, group in sorted(candidates):
        if total == 0:
            break
        if len(chosen[layer]) + 1 < len(layer_groups[layer]):
            chosen[layer].append(group)
            total -= 1
    return [sorted(groups) for groups in chosen]


def prune(case, windows, probe):
    model = LlamaForCausalLM.from_pretrained(MODEL, dtype=torch.float32).eval()
    config = model.config
    heads, kv, size = config.num_attention_heads, config.num_key_value_heads, config.head_dim
    group = heads // kv
    layers = model.model.layers
    stats = [dict(n=0, sum=torch.zeros(heads * size, dtype=torch.float64), squares=torch.zeros(heads * size, dtype=torch.float64))
             for _ in layers]

    def hook(index):
        def gather(module, inputs):
            x = inputs[0].detach().double().reshape(-1, inputs[0].shape[-1])
            stats[index]["n"] += x.shape[0]
            stats[index]["sum"] += x.sum(0)
            stats[index]["squares"] += (x * x).sum(0)
        return gather

    handles = [layer.self_attn.o_proj.register_forward_pre_hook(hook(i)) for i, layer in enumerate(layers)]
    with torch.no_grad():
        for window in windows:
            model(torch.tensor([window]))
    for handle in handles:
        handle.remove()

    layer_scores, layer_groups, means = [], [], []
    for layer, stat in zip(layers, stats):
        n, mean = stat["n"], stat["sum"] / stat["n"]
        variance = (stat["squares"] - n * mean * mean) / (n - 1)
        weight = layer.self_attn.o_proj.weight.detach().double()
        columns = (weight * weight).sum(0)
        if case["method"] == "flap":
            scores = variance * columns
        elif case["method"] == "wanda-sp":
            scores = (columns * stat["squares"]).sqrt()
        else:
            scores = columns.sqrt()
        layer_scores.append(scores)
        layer_groups.append([[h * size + i for h in range(g * group, (g + 1) * group) for i in range(size)] for g in range(kv)])
        means.append(mean)
    removed = choose(layer_scores, layer_groups, case)

    compensate = case["method"] == "flap" and any(removed)
    if compensate:
        config.attention_bias = True
        biased = LlamaForCausalLM(config).eval()
        state = model.state_dict()
        for name, tensor in biased.state_dict().items():
            if name not in state:
                state[name] = torch.zeros_like(tensor)
        biased.load_state_dict(state)
        model = biased
    with torch.no_grad():
        for layer, groups, mean in zip(model.model.layers, removed, means):
            attention = layer.self_attn
            query = [h * size + i for g in groups for h in range(g * group, (g + 1) * group) for i in range(size)]
            keys = [g * size + i for g in groups for i in range(size)]
            if compensate:
                attention.o_proj.bias += (attention.o_proj.weight.double()[:, query] @ mean[query]).float()
            for projection, rows in ((attention.q_proj, query), (attention.k_proj, keys), (attention.v_proj, keys)):
                projection.weight[rows, :] = 0
                if projection.bias is not None:
                    projection.bias[rows] = 0
            attention.o_proj.weight[:, query] = 0
        logits = model(torch.tensor([probe])).logits[0]
    return removed, logits


def main():
    make_model()
    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    with open(os.path.join(FIXTURES, "heads_calibration.txt"), encoding="utf-8") as file:
        ids = tokenizer(file.read(), add_special_tokens=False)["input_ids"]
    windows = [ids[i * WINDOW:(i + 1) * WINDOW] for i in range(SAMPLES)]
    probe = ids[SAMPLES * WINDOW:(SAMPLES + 1) * WINDOW]
    assert len(probe) == WINDOW, f"calibration text too short: {len(ids)} tokens"
    tensors, cases = {}, []
    for index, case in enumerate(CASES):
        removed, logits = prune(case, windows, probe)
        tensors[f"case{index}.logits"] = logits[:, :VOCABULARY].contiguous()
        cases.append(dict(case, removed_kv_groups=removed))
        print(case, removed)
    save_file(tensors, os.path.join(FIXTURES, "heads_reference.safetensors"))
    with open(os.path.join(FIXTURES, "heads_reference.json"), "w") as file:
        json.dump(dict(window=WINDOW, samples=SAMPLES, calibration_ids=ids[:SAMPLES * WINDOW], probe_ids=probe, cases=cases), file)
        file.write("\n")


if __name__ == "__main__":
    main()
