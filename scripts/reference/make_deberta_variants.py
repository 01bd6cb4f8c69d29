"""Makes Tests/Fixtures/models/deberta-v2-{v3,buckets,separate}: small DeBERTa-v2 checkpoints with
the disentangled relative attention the shared deberta-v2 fixture (relative_attention false) does
not cover, random init with seed 0, LayerNorm weights and biases randomised, and PyTorch's logits
for a fixed batch of two sequences, the second padded (so the pairwise padding mask matters).

- v3: DeBERTa-v3's geometry: position_buckets 256, max_relative_positions -1, share_att_key,
  norm_rel_ebd layer_norm, position_biased_input false, pos_att_type ["p2c", "c2p"].
- buckets: position_buckets 8 with max_relative_positions 32, so 24 tokens reach the log buckets;
  pos_att_type as a "c2p|p2c" string, token types, embedding_size 32 (embed_proj), 2 heads of 24.
- separate: no buckets (span = max_position_embeddings 64), share_att_key false (pos_key_proj and
  pos_query_proj), no rel-embedding norm, 4 heads of 8.

Each folder gets config.json, model.safetensors, reference_io.safetensors (input_ids,
attention_mask, logits) and modules.json (PyTorch's named_modules() with class names).

Run from the repository root with transformers 5.24: python3 scripts/reference/make_deberta_variants.py
"""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import DebertaV2Config, DebertaV2ForSequenceClassification

common = dict(vocab_size=1000, num_hidden_layers=2, hidden_act="gelu", relative_attention=True, num_labels=3)
variants = {
    "deberta-v2-v3": (DebertaV2Config(
        **common, hidden_size=32, intermediate_size=64, num_attention_heads=4, max_position_embeddings=512,
        position_buckets=256, max_relative_positions=-1, share_att_key=True, norm_rel_ebd="layer_norm",
        position_biased_input=False, pos_att_type=["p2c", "c2p"], type_vocab_size=0), 16),
    "deberta-v2-buckets": (DebertaV2Config(
        **common, hidden_size=48, intermediate_size=96, num_attention_heads=2, max_position_embeddings=64,
        position_buckets=8, max_relative_positions=32, share_att_key=True, norm_rel_ebd="layer_norm",
        position_biased_input=True, pos_att_type="c2p|p2c", type_vocab_size=2, embedding_size=32), 24),
    "deberta-v2-separate": (DebertaV2Config(
        **common, hidden_size=32, intermediate_size=64, num_attention_heads=4, max_position_embeddings=64,
        position_buckets=-1, max_relative_positions=-1, share_att_key=False, norm_rel_ebd="none",
        position_biased_input=True, pos_att_type=["p2c", "c2p"], type_vocab_size=0), 16),
}

for name, (config, length) in variants.items():
    out = f"Tests/Fixtures/models/{name}"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = DebertaV2ForSequenceClassification(config).eval()
    with torch.no_grad():
        for parameter_name, parameter in model.named_parameters():
            if "LayerNorm.weight" in parameter_name:
                parameter.copy_(torch.randn_like(parameter) * 0.3 + 1)
            elif parameter_name.endswith(".bias"):
                parameter.copy_(torch.randn_like(parameter) * 0.1)
    model.save_pretrained(out, safe_serialization=True)
    input_ids = torch.randint(1, config.vocab_size, (2, length), generator=torch.Generator().manual_seed(0))
    attention_mask = torch.ones_like(input_ids)
    attention_mask[1, length - 5:] = 0
    input_ids[1, length - 5:] = config.pad_token_id
    with torch.no_grad():
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits
    save_file({"input_ids": input_ids.contiguous(), "attention_mask": attention_mask.contiguous(), "logits": logits.contiguous()},
              os.path.join(out, "reference_io.safetensors"))
    with open(os.path.join(out, "modules.json"), "w") as f:
        modules = [json.dumps([path, type(module).__name__]) for path, module in model.named_modules()]
        f.write("[\n" + ",\n".join(modules) + "\n]\n")
    print(name, tuple(logits.shape), float(logits.abs().max()), sum(p.numel() for p in model.parameters()))
