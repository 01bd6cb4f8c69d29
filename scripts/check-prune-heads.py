"""Checks `slimtrace prune --head-sparsity` against PyTorch and transformers (issue 15, heads).

For each case of Tests/PruneTests/Fixtures/heads_reference.json (written by
scripts/reference/make_prune_heads.py, an independent PyTorch implementation of the head pruning),
and for one case with feed-forward channels pruned as well:
- prunes Tests/Fixtures/models/llama-heads with the slimtrace binary, --keep-shapes and slimmed;
- loads the --keep-shapes checkpoint with transformers' from_pretrained (no missing, unexpected or
  mismatched tensors allowed) and compares its logits on the probe window with `slimtrace run`'s on
  the same checkpoint and on the slimmed one, and (reference cases) with the PyTorch reference;
- prints every max abs difference and fails above 1e-5.

Usage: python3 scripts/check-prune-heads.py SLIMTRACE_BINARY WORK_DIR
"""
import json
import subprocess
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "Tests/Fixtures/models/llama-heads"
FIXTURES = ROOT / "Tests/PruneTests/Fixtures"
TOLERANCE = 1e-5


def slimtrace_logits(binary, model, inputs, work, name):
    output = work / f"{name}-logits.safetensors"
    output.unlink(missing_ok=True)
    subprocess.run([binary, "run", str(model), "--inputs", str(inputs), "--output", str(output)],
                   check=True, stdout=subprocess.DEVNULL)
    return load_file(output)["logits"][0]


def main():
    binary, work = sys.argv[1], Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    reference = json.loads((FIXTURES / "heads_reference.json").read_text())
    logits = load_file(FIXTURES / "heads_reference.safetensors")
    probe = torch.tensor([reference["probe_ids"]])
    inputs = work / "probe.safetensors"
    save_file({"input_ids": probe}, inputs)
    cases = [(f"case{i}", dict(case, ffn_sparsity=0.0)) for i, case in enumerate(reference["cases"])]
    cases.append(("ffn-and-heads", dict(reference["cases"][1], ffn_sparsity=0.25)))
    worst = 0.0
    for name, case in cases:
        common = [binary, "prune", str(MODEL), "--calibration", str(FIXTURES / "heads_calibration.txt"),
                  "--window", str(reference["window"]), "--samples", str(reference["samples"]),
                  "--ffn-sparsity", str(case["ffn_sparsity"]), "--head-sparsity", str(case["head_sparsity"]),
                  "--head-layers", str(case["head_layers"]), "--method", case["method"], "--allocation", case["allocation"],
                  "--format", "json", "--force"]
        kept, slim = work / f"{name}-hf", work / f"{name}-slim"
        report = json.loads(subprocess.run(common + ["--keep-shapes", "--output", str(kept)], check=True,
                                           capture_output=True, text=True).stdout)
        subprocess.run(common + ["--output", str(slim)], check=True, stdout=subprocess.DEVNULL)
        model, info = AutoModelForCausalLM.from_pretrained(kept, dtype=torch.float32, output_loading_info=True)
        problems = {key: value for key, value in info.items() if value and key != "error_msgs"}
        if problems:
            raise SystemExit(f"{name}: transformers loads {kept} with {problems}")
        with torch.no_grad():
            torch_logits = model.eval()(probe).logits[0]
        differences = {
            "transformers vs slimtrace run (keep-shapes)": (torch_logits - slimtrace_logits(binary, kept, inputs, work, name + "-hf")).abs().max().item(),
            "transformers vs slimtrace run (slimmed)": (torch_logits - slimtrace_logits(binary, slim, inputs, work, name + "-slim")).abs().max().item(),
        }
        if f"{name}.logits" in logits:
            expected = logits[f"{name}.logits"]
            differences["transformers vs PyTorch reference"] = (torch_logits[:, :expected.shape[1]] - expected).abs().max().item()
            removed = [[] for _ in range(model.config.num_hidden_layers)]
            for plan in report["head_plans"]:
                removed[int(plan["output"].split(".")[2])] = plan["removed_kv_groups"]
            if removed != case["removed_kv_groups"]:
                raise SystemExit(f"{name}: slimtrace removed {removed}, the reference {case['removed_kv_groups']}")
        print(f"{name}: {case['method']} {case['allocation']} heads {case['head_sparsity']} layers {case['head_layers']} "
              f"ffn {case['ffn_sparsity']}: {report['kv_groups_removed']}/{report['kv_groups_total']} groups; "
              + ", ".join(f"{key} {value:.2e}" for key, value in differences.items()))
        worst = max([worst, *differences.values()])
    print(f"largest difference {worst:.2e} (tolerance {TOLERANCE:.0e})")
    if worst > TOLERANCE:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
