"""Makes Tests/Fixtures/models/{qwen3,gemma2,gemma3_text,olmo2}-variant: small checkpoints of the
decoder families in configurations the shared fixtures do not cover (head_dim != hidden/heads,
other kv-head ratios, tied or untied embeddings, attention biases, sliding windows shorter than
the input, Gemma 2 soft-capping that bites, Gemma 3's local/global layers with linear rope
scaling on the global ones, rope scaling on Qwen3), random init with seed 0 and every norm weight
randomised (so Gemma's 1 + weight and the q/k norms matter), and PyTorch's logits for a fixed input.

Run from the repository root with transformers 5.24: python3 scripts/reference/make_decoder_variants.py
"""
import os

import torch
from safetensors.torch import save_file
from transformers import (Gemma2Config, Gemma2ForCausalLM, Gemma3ForCausalLM, Gemma3TextConfig, Olmo2Config,
                          Olmo2ForCausalLM, Qwen3Config, Qwen3ForCausalLM)

common = dict(vocab_size=1000, hidden_size=48, intermediate_size=96, use_cache=False)
variants = {
    "qwen3": (Qwen3ForCausalLM, Qwen3Config(
        **common, num_hidden_layers=3, num_attention_heads=6, num_key_value_heads=2, head_dim=16,
        tie_word_embeddings=True, attention_bias=True, use_sliding_window=True, sliding_window=4,
        layer_types=["full_attention", "sliding_attention", "full_attention"],
        rope_parameters={"rope_type": "linear", "factor": 2.0, "rope_theta": 1000000.0})),
    "gemma2": (Gemma2ForCausalLM, Gemma2Config(
        **common, num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=1, head_dim=24,
        query_pre_attn_scalar=24, sliding_window=4, attn_logit_softcapping=2.0, final_logit_softcapping=1.5,
        tie_word_embeddings=False, attention_bias=True)),
    "gemma3_text": (Gemma3ForCausalLM, Gemma3TextConfig(
        **common, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2, head_dim=24,
        query_pre_attn_scalar=24, sliding_window=4, sliding_window_pattern=2, final_logit_softcapping=2.0,
        attn_logit_softcapping=1.0,
        rope_parameters={"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1000000.0},
                         "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}})),
    "olmo2": (Olmo2ForCausalLM, Olmo2Config(
        **common, num_hidden_layers=3, num_attention_heads=6, num_key_value_heads=3, tie_word_embeddings=True,
        attention_bias=True, rope_parameters={"rope_type": "default", "rope_theta": 500000.0})),
}

def save_variants(variants, is_norm, norm_centre, attention_mask=None):
    """Saves each variant to Tests/Fixtures/models/<name> with PyTorch's logits for a fixed input
    (`[1, 16]` token ids, or ids of `attention_mask`'s shape, saved with it); parameters
    `is_norm(name)` accepts get weights around `norm_centre(name)` (biases around 0)."""
    for name, (model_class, config) in variants.items():
        out = f"Tests/Fixtures/models/{name}"
        os.makedirs(out, exist_ok=True)
        torch.manual_seed(0)
        model = model_class(config).eval()
        with torch.no_grad():
            for parameter_name, parameter in model.named_parameters():
                if is_norm(parameter_name):
                    parameter.copy_(torch.randn_like(parameter) * 0.3 + norm_centre(name, parameter_name))
                elif parameter_name.endswith(".bias"):
                    parameter.copy_(torch.randn_like(parameter) * 0.1)
        model.save_pretrained(out, safe_serialization=True)
        for extra in ["generation_config.json"]:
            path = os.path.join(out, extra)
            if os.path.exists(path):
                os.remove(path)
        shape = (1, 16) if attention_mask is None else tuple(attention_mask.shape)
        input_ids = torch.randint(0, config.vocab_size, shape, generator=torch.Generator().manual_seed(0))
        inputs = {"input_ids": input_ids} if attention_mask is None else {"input_ids": input_ids, "attention_mask": attention_mask}
        with torch.no_grad():
            logits = model(**inputs).logits
        save_file({**{key: value.contiguous() for key, value in inputs.items()}, "logits": logits.contiguous()},
                  os.path.join(out, "reference_io.safetensors"))
        print(name, getattr(config, "layer_types", None), tuple(logits.shape), float(logits.abs().max()))


if __name__ == "__main__":
    save_variants({f"{name}-variant": variant for name, variant in variants.items()}, lambda parameter: "norm" in parameter,
                  lambda name, parameter: 0 if name.startswith("gemma") else 1)
