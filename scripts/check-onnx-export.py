#!/usr/bin/env python3
"""Checks slimtrace's ONNX export against PyTorch, one checkpoint folder at a time.

    python3 scripts/check-onnx-export.py [--slimtrace BIN] [--shape 1,16] [--lengths 7,40]
                                         [--tolerance 1e-4] MODEL[=REFERENCE] ...

For each MODEL folder (config.json + safetensors): `slimtrace export MODEL --onnx OUT --shape ...`
(timed), `onnx.checker.check_model`, then onnxruntime and Hugging Face transformers (PyTorch, eager
attention) on the same random inputs at every length in --lengths (batch 2, the second row with its last quarter padded; image models, traced at
their declared shape: batch 1 and 3, the image size is static) and the largest absolute difference of the output
(`logits` / `last_hidden_state`). REFERENCE is the folder PyTorch loads instead of MODEL: a
checkpoint slimmed per layer is compared with the pruned checkpoint it came from (slimming keeps
the outputs), as transformers cannot load per-layer sizes. Prints one table row per model and
exits 1 when any check fails. Needs torch, transformers, onnx, onnxruntime.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime
import torch
import transformers


def weight_bytes(folder):
    return sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder)
               if name.endswith(".safetensors") and name != "reference_io.safetensors")


def load_reference(folder):
    config = transformers.AutoConfig.from_pretrained(folder)
    architecture = (config.architectures or [None])[0]
    model_class = getattr(transformers, architecture) if architecture else transformers.AutoModel
    model = model_class.from_pretrained(folder, attn_implementation="eager")
    return model.eval(), config


def make_inputs(session, config, batch, length, generator):
    feeds = {}
    for spec in session.get_inputs():
        if spec.name == "pixel_values":
            size = config.image_size
            feeds[spec.name] = torch.randn(batch, config.num_channels, size, size, generator=generator)
        elif spec.name == "input_ids":
            feeds[spec.name] = torch.randint(0, config.vocab_size, (batch, length), generator=generator)
        elif spec.name == "attention_mask":
            mask = torch.ones(batch, length, dtype=torch.int64)
            mask[1:, length - length // 4:] = 0  # the second row right-padded
            feeds[spec.name] = mask
        else:
            feeds[spec.name] = torch.zeros(batch, length, dtype=torch.int64)
    return feeds


def check(model_folder, reference_folder, args, scratch):
    row = {"model": os.path.basename(os.path.normpath(model_folder))}
    output = os.path.join(scratch, row["model"] + ".onnx")
    started = time.perf_counter()
    with open(os.path.join(model_folder, "config.json")) as file:
        image = "image_size" in json.load(file)
    shape = [] if image else ["--shape", args.shape]
    result = subprocess.run([args.slimtrace, "export", model_folder, "--onnx", output, "--force"] + shape,
                            capture_output=True, text=True)
    row["export_s"] = time.perf_counter() - started
    if result.returncode != 0:
        row["error"] = (result.stderr or result.stdout).strip().splitlines()[-1]
        return row
    size = os.path.getsize(output) + (os.path.getsize(output + ".data") if os.path.exists(output + ".data") else 0)
    row["ratio"] = size / weight_bytes(model_folder)
    onnx.checker.check_model(output, full_check=True)
    proto = onnx.load(output, load_external_data=False)
    row["opset"] = proto.opset_import[0].version
    row["dynamic"] = ",".join(d.dim_param or str(d.dim_value) for d in proto.graph.input[0].type.tensor_type.shape.dim)
    session = onnxruntime.InferenceSession(output, providers=["CPUExecutionProvider"])
    model, config = load_reference(reference_folder)
    output_name = session.get_outputs()[0].name
    generator = torch.Generator().manual_seed(0)
    sizes = [(1, 0), (3, 0)] if image else [(2, length) for length in args.lengths]
    row["diffs"] = []
    for batch, length in sizes:
        feeds = make_inputs(session, config, batch, length, generator)
        with torch.no_grad():
            expected = getattr(model(**feeds), output_name).numpy()
        got = session.run([output_name], {name: value.numpy() for name, value in feeds.items()})[0]
        if got.shape != expected.shape:
            row["error"] = f"shape {got.shape} != {expected.shape} at batch {batch} length {length}"
            return row
        row["diffs"].append(float(np.max(np.abs(got - expected))))
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", metavar="MODEL[=REFERENCE]")
    parser.add_argument("--slimtrace", default=os.environ.get("SLIMTRACE", "slimtrace"))
    parser.add_argument("--shape", default="1,16", help="the token input shape the export traces (default 1,16; image models trace their declared shape)")
    parser.add_argument("--lengths", default="7,40", help="the lengths onnxruntime runs at (default 7,40)")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    args.lengths = [int(part) for part in args.lengths.split(",")]
    transformers.logging.disable_progress_bar()
    failed = False
    header = f"{'model':<20} {'export s':>8} {'size/weights':>12} {'opset':>5} {'input dims':<28} " + \
             " ".join(f"{'diff@' + str(n):>10}" for n in args.lengths) + "  result"
    print(header)
    with tempfile.TemporaryDirectory() as scratch:
        for argument in args.models:
            model_folder, _, reference_folder = argument.partition("=")
            row = check(model_folder, reference_folder or model_folder, args, scratch)
            if "error" in row:
                failed = True
                print(f"{row['model']:<20} {row['export_s']:>8.2f}  FAIL: {row['error']}")
                continue
            ok = all(diff <= args.tolerance for diff in row["diffs"])
            failed |= not ok
            diffs = " ".join(f"{diff:>10.2e}" for diff in row["diffs"])
            print(f"{row['model']:<20} {row['export_s']:>8.2f} {row['ratio']:>12.4f} {row['opset']:>5} {row['dynamic']:<28} {diffs}  {'ok' if ok else 'FAIL'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
