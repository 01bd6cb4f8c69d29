"""Makes Tests/PruneTests/Fixtures/llama_reconstruction.json: an independent PyTorch/float64
reference of `--method obs` on the first layer of the tiny Tests/Fixtures/models/llama.

Calibration: 64 random token ids cut into 4 windows of 16 (the first seed from 0 whose greedy
choices are clear: at every batch boundary the next score exceeds the last taken by > 0.1%, so
float32 statistics choose the same channels). A forward pre-hook on
model.layers.0.mlp.down_proj gathers its inputs; their mean μ and population covariance Σ
(divided by the token count) give the damped Σ + λI, λ = 0.01 · mean(diag Σ) (SparseGPT's
percdamp). Greedy structured OBS removes 25% of the 128 channels, 8 at a time, lowest
‖W[:, j]‖² / [H⁻¹]_jj first (ties: lower index), updating W and H⁻¹ after each batch; then the
kept columns take the least-squares update W'_K = W_K + W_R Σ_RK Σ_KK⁻¹ and the bias
b' = W μ − W'_K μ_K (the layer has no bias). Also records the same update for a fixed removed set
(every fourth channel), so reconstruction is checked apart from selection. Weights are stored for
the first 16 output rows (each row is reconstructed on its own), biases in full.

Run from the repository root: python3 scripts/reference/make_prune_reconstruction.py
"""
import json

import torch
from transformers import AutoModelForCausalLM

MODEL = "Tests/Fixtures/models/llama"
ROOT = "model.layers.0.mlp.down_proj"
DAMPING, BATCH, SPARSITY, ROWS = 0.01, 8, 0.25, 16

model = AutoModelForCausalLM.from_pretrained(MODEL, dtype=torch.float32).eval()
layer = model.get_submodule(ROOT)
weight = layer.weight.detach().double()
window = 16


class NearTie(Exception):
    pass


def statistics(ids):
    inputs = []
    hook = layer.register_forward_pre_hook(lambda module, args: inputs.append(args[0].reshape(-1, args[0].shape[-1]).double()))
    with torch.no_grad():
        for start in range(0, len(ids), window):
            model(torch.tensor([ids[start:start + window]]))
    hook.remove()
    x = torch.cat(inputs)
    mean = x.mean(0)
    covariance = (x.T @ x) / x.shape[0] - torch.outer(mean, mean)
    return mean, covariance + DAMPING * covariance.diagonal().mean() * torch.eye(covariance.shape[0], dtype=torch.float64)


def greedy(count):
    inverse = torch.linalg.inv(damped)
    current = weight.clone()
    alive = torch.ones(n, dtype=torch.bool)
    removed = []
    while len(removed) < count:
        scores = (current ** 2).sum(0) / inverse.diagonal()
        order = sorted((j for j in range(n) if alive[j]), key=lambda j: (scores[j].item(), j))
        take = min(BATCH, count - len(removed))
        if take < len(order):
            margin = (scores[order[take]] - scores[order[take - 1]]) / scores[order[take]]
            if margin <= 1e-3:
                raise NearTie()
        block = torch.tensor(order[:take])
        projected = torch.linalg.solve(inverse[block][:, block], inverse[block])
        current -= current[:, block] @ projected
        inverse -= inverse[:, block] @ projected
        current[:, block] = 0
        alive[block] = False
        removed += block.tolist()
    return sorted(removed)


def reconstruct(removed):
    kept = [j for j in range(n) if j not in set(removed)]
    delta = torch.linalg.solve(damped[kept][:, kept], damped[kept][:, removed] @ weight[:, removed].T).T
    new = torch.zeros_like(weight)
    new[:, kept] = weight[:, kept] + delta
    bias = weight @ mean - new[:, kept] @ mean[kept]
    return new, bias


def case(removed):
    new, bias = reconstruct(removed)
    return {"removed": removed, "rows": ROWS, "weight": [round(v, 7) for v in new[:ROWS].flatten().tolist()],
            "bias": [round(v, 7) for v in bias.tolist()]}


for seed in range(100):
    ids = torch.randint(0, model.config.vocab_size, (64,), generator=torch.Generator().manual_seed(seed)).tolist()
    mean, damped = statistics(ids)
    n = damped.shape[0]
    try:
        chosen = greedy(int(SPARSITY * n))
        break
    except NearTie:
        continue
reference = {"ids": ids, "window": window, "root": ROOT, "sparsity": SPARSITY, "damping": DAMPING, "batch": BATCH,
             "greedy": case(chosen), "every_fourth": case(list(range(0, n, 4)))}
with open("Tests/PruneTests/Fixtures/llama_reconstruction.json", "w") as handle:
    json.dump(reference, handle)
    handle.write("\n")
