#!/usr/bin/env python3
"""Perplexity of a Hugging Face causal LM on a text file, on the same windows as `slimtrace eval`.

    python3 scripts/eval-ppl.py MODEL --text-file FILE [--window 256] [--stride 256] [--samples N]

The file is tokenised as one stream without special tokens (tokenizer(text,
add_special_tokens=False)), cut into windows of --window tokens every --stride tokens (whole
windows only, at most --samples); perplexity is exp of the mean next-token NLL over every window
(float32, CPU). Prints one JSON object: perplexity, mean_nll, predictions, windows.
"""
import argparse
import json
import math

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--text-file", required=True)
    parser.add_argument("--window", type=int, default=256)
    parser.add_argument("--stride", type=int, default=256)
    parser.add_argument("--samples", type=int)
    args = parser.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32).eval()
    with open(args.text_file, encoding="utf-8") as handle:
        ids = tokenizer(handle.read(), add_special_tokens=False)["input_ids"]
    starts = range(0, len(ids) - args.window + 1, args.stride)
    windows = [ids[start:start + args.window] for start in starts][: args.samples]
    total, count = 0.0, 0
    with torch.no_grad():
        for window in windows:
            logits = model(torch.tensor([window])).logits[0].double()
            nll = torch.nn.functional.cross_entropy(logits[:-1], torch.tensor(window[1:]), reduction="sum")
            total += nll.item()
            count += len(window) - 1
    mean = total / count
    print(json.dumps({"perplexity": math.exp(mean), "mean_nll": mean, "predictions": count, "windows": len(windows)}))


if __name__ == "__main__":
    main()
