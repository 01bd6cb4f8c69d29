"""Makes Tests/Fixtures/models/bert-no-pooler: a tiny BertModel saved without its pooler
(add_pooling_layer=False), random init with seed 0, and its last_hidden_state for a fixed input.

Run from the repository root: python3 scripts/reference/make_bert_no_pooler.py
"""
import os

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertModel

out = "Tests/Fixtures/models/bert-no-pooler"
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
config = BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                    intermediate_size=64, max_position_embeddings=64)
model = BertModel(config, add_pooling_layer=False).eval()
model.save_pretrained(out, safe_serialization=True)
input_ids = torch.randint(1, config.vocab_size, (1, 12), generator=torch.Generator().manual_seed(0))
with torch.no_grad():
    hidden = model(input_ids=input_ids).last_hidden_state
save_file({"input_ids": input_ids.contiguous(), "last_hidden_state": hidden.contiguous()},
          os.path.join(out, "reference_io.safetensors"))
