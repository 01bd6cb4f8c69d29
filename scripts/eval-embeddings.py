#!/usr/bin/env python3
"""Sentence-embedding similarity of a Hugging Face encoder to a reference, as `slimtrace eval --reference`.

    python3 scripts/eval-embeddings.py MODEL --reference DENSE --text-file FILE [--samples N]
        [--pooling mean|cls] [--batch-size 8]

Every non-empty line of FILE (line ends `\\n` or `\\r\\n` removed) is one text, at most --samples.
Texts are tokenised with MODEL's tokenizer (padding=True, truncation=True), --batch-size at a time;
both models (AutoModel, float32, CPU) embed them; mean pooling averages last_hidden_state over the
attention mask as sentence-transformers' Pooling does (cls takes the first token); the cosine
similarity of each text's two embeddings is averaged. Prints one JSON object: pooling, mean_cosine,
min_cosine, texts, batches.
"""
import argparse
import json

import torch
from transformers import AutoModel, AutoTokenizer


def pool(hidden, mask, pooling):
    if pooling == "cls":
        return hidden[:, 0].double()
    weights = mask.unsqueeze(-1).double()
    return (hidden.double() * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--reference", required=True)
    parser.add_argument("--text-file", required=True)
    parser.add_argument("--samples", type=int)
    parser.add_argument("--pooling", choices=["mean", "cls"], default="mean")
    parser.add_argument("--batch-size", type=int, default=8)
    args = parser.parse_args()

    with open(args.text_file, "rb") as handle:
        lines = [line[:-1] if line.endswith(b"\r") else line for line in handle.read().split(b"\n")]
    texts = [line.decode("utf-8", errors="replace") for line in lines if line][:args.samples]
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    models = [AutoModel.from_pretrained(path, dtype=torch.float32).eval() for path in (args.model, args.reference)]
    cosines, batches = [], 0
    with torch.no_grad():
        for start in range(0, len(texts), args.batch_size):
            encoded = tokenizer(texts[start:start + args.batch_size], padding=True, truncation=True, return_tensors="pt")
            a, b = (pool(model(**encoded).last_hidden_state, encoded["attention_mask"], args.pooling) for model in models)
            cosines += torch.nn.functional.cosine_similarity(a, b, dim=1).tolist()
            batches += 1
    print(json.dumps({"pooling": args.pooling, "mean_cosine": sum(cosines) / len(cosines), "min_cosine": min(cosines),
                      "texts": len(cosines), "batches": batches}))


if __name__ == "__main__":
    main()
