"""Makes Tests/Fixtures/models/{mixtral,qwen2_moe,qwen3_moe}-variant: small routed-experts checkpoints
in configurations the shared fixtures do not cover (other expert counts and top-k, normalised and
unnormalised top-k probabilities, dense layers between sparse ones through `decoder_sparse_step` and
`mlp_only_layers`, other kv-head ratios, explicit head_dim), random init with seed 0, norm weights
randomised, and PyTorch's logits for a fixed input of 16 tokens.

Run from the repository root with transformers 5.24: python3 scripts/reference/make_moe_variants.py
"""
import os
import sys

from transformers import (MixtralConfig, MixtralForCausalLM, Qwen2MoeConfig, Qwen2MoeForCausalLM, Qwen3MoeConfig,
                          Qwen3MoeForCausalLM)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_decoder_variants import save_variants  # noqa: E402

common = dict(vocab_size=1000, hidden_size=48, use_cache=False)
variants = {
    "mixtral-variant": (MixtralForCausalLM, MixtralConfig(
        **common, intermediate_size=40, num_hidden_layers=3, num_attention_heads=6, num_key_value_heads=3,
        num_local_experts=6, num_experts_per_tok=3, tie_word_embeddings=True)),
    "qwen2_moe-variant": (Qwen2MoeForCausalLM, Qwen2MoeConfig(
        **common, intermediate_size=72, moe_intermediate_size=24, shared_expert_intermediate_size=64,
        num_hidden_layers=5, num_attention_heads=4, num_key_value_heads=1, num_experts=5, num_experts_per_tok=3,
        norm_topk_prob=True, decoder_sparse_step=2, mlp_only_layers=[3], qkv_bias=True)),
    "qwen3_moe-variant": (Qwen3MoeForCausalLM, Qwen3MoeConfig(
        **common, intermediate_size=64, moe_intermediate_size=20, num_hidden_layers=4, num_attention_heads=6,
        num_key_value_heads=2, head_dim=12, num_experts=7, num_experts_per_tok=1, norm_topk_prob=False,
        decoder_sparse_step=1, mlp_only_layers=[1], attention_bias=True, tie_word_embeddings=False)),
}

if __name__ == "__main__":
    save_variants(variants, lambda parameter: "norm" in parameter, lambda name, parameter: 1)
