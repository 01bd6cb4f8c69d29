"""Makes Tests/PruneTests/Fixtures/llama_perplexity.json: PyTorch's perplexity of the tiny
Tests/Fixtures/models/llama on 96 random token ids (seed 0) cut into windows of 32 every 24 tokens,
the windows `slimtrace eval` makes (exp of the mean next-token NLL over all windows).

Run from the repository root: python3 scripts/reference/make_prune_perplexity.py
"""
import json
import math

import torch
from transformers import AutoModelForCausalLM

MODEL = "Tests/Fixtures/models/llama"
model = AutoModelForCausalLM.from_pretrained(MODEL, dtype=torch.float32).eval()
generator = torch.Generator().manual_seed(0)
ids = torch.randint(0, model.config.vocab_size, (96,), generator=generator).tolist()
window, stride = 32, 24
windows = [ids[start:start + window] for start in range(0, len(ids) - window + 1, stride)]
total, count = 0.0, 0
with torch.no_grad():
    for tokens in windows:
        logits = model(torch.tensor([tokens])).logits[0].double()
        total += torch.nn.functional.cross_entropy(logits[:-1], torch.tensor(tokens[1:]), reduction="sum").item()
        count += len(tokens) - 1
mean = total / count
with open("Tests/PruneTests/Fixtures/llama_perplexity.json", "w") as handle:
    json.dump({"ids": ids, "window": window, "stride": stride, "windows": len(windows),
               "predictions": count, "mean_nll": mean, "perplexity": math.exp(mean)}, handle, indent=1)
    handle.write("\n")
