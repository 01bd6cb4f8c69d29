#!/usr/bin/env python3
"""PyTorch eager side of scripts/bench-vs-pytorch.sh (measuring only; never a build dependency).

  bench-vs-pytorch.py make DIR            # writes DIR/bert-base and DIR/qwen2-0.5b if absent
  bench-vs-pytorch.py time CHECKPOINT --repeat N --warmup W
                                          # prints one line: the median ms of N forwards

The checkpoints are random-init models built from a config with transformers (seed 0), saved as
safetensors: BertForSequenceClassification at bert-base-uncased sizes (12 layers, hidden 768, 12
heads, intermediate 3072) and a Qwen2ForCausalLM at Qwen2-0.5B sizes (24 layers, hidden 896, 14
heads, 2 kv heads, intermediate 4864, vocab 151936, tied embeddings). The timed input is what
`slimtrace bench --shape 1,128` feeds: one sequence of 128 token ids, all ones, no attention mask.
"""
import argparse
import os
import statistics
import sys
import time


def make(directory):
    import torch
    from transformers import BertConfig, BertForSequenceClassification, Qwen2Config, Qwen2ForCausalLM

    models = {
        "bert-base": lambda: BertForSequenceClassification(BertConfig(
            vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
            intermediate_size=3072, hidden_act="gelu", max_position_embeddings=512, type_vocab_size=2,
            num_labels=2)),
        "qwen2-0.5b": lambda: Qwen2ForCausalLM(Qwen2Config(
            vocab_size=151936, hidden_size=896, num_hidden_layers=24, num_attention_heads=14,
            num_key_value_heads=2, intermediate_size=4864, max_position_embeddings=32768,
            rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=True, hidden_act="silu")),
    }
    for name, build in models.items():
        path = os.path.join(directory, name)
        if os.path.exists(os.path.join(path, "config.json")):
            continue
        torch.manual_seed(0)
        model = build().eval()
        model.config.torch_dtype = "float32"
        model.save_pretrained(path, safe_serialization=True)
        print(f"wrote {path}", file=sys.stderr)


def time_forward(checkpoint, repeat, warmup):
    import torch
    from transformers import AutoModel, AutoConfig
    import transformers

    torch.set_num_threads(2)
    config = AutoConfig.from_pretrained(checkpoint)
    architecture = getattr(transformers, config.architectures[0])
    model = architecture.from_pretrained(checkpoint, torch_dtype=torch.float32, attn_implementation="eager").eval()
    ids = torch.ones((1, 128), dtype=torch.long)
    samples = []
    with torch.inference_mode():
        for index in range(warmup + repeat):
            start = time.perf_counter()
            model(input_ids=ids)
            elapsed = time.perf_counter() - start
            if index >= warmup:
                samples.append(elapsed * 1000)
    print(f"{statistics.median(samples):.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make_parser = commands.add_parser("make")
    make_parser.add_argument("directory")
    time_parser = commands.add_parser("time")
    time_parser.add_argument("checkpoint")
    time_parser.add_argument("--repeat", type=int, default=10)
    time_parser.add_argument("--warmup", type=int, default=2)
    arguments = parser.parse_args()
    if arguments.command == "make":
        make(arguments.directory)
    else:
        time_forward(arguments.checkpoint, arguments.repeat, arguments.warmup)


if __name__ == "__main__":
    main()
