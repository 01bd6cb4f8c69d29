"""Makes Tests/Fixtures/models/<family>-<variant>: small checkpoints of the fused-qkv families in
configurations the shared fixtures do not cover: Falcon-7B's multi-query layout (`multi_query`,
old decoder architecture, biases) and the sequential old decoder (`parallel_attn: false`, one
key/value head per head); BLOOM with 12 heads (ALiBi slopes beyond a power of two, not exact in
f32) and the residuals after the LayerNorms; Phi with grouped key/value heads, q/k LayerNorms, a
tied head and another rotary share; random init with seed 0, every norm weight and bias randomised, and
PyTorch's logits for a fixed input.

Run from the repository root with transformers 5.24: python3 scripts/reference/make_fused_variants.py
"""
from make_decoder_variants import save_variants
from transformers import BloomConfig, BloomForCausalLM, FalconConfig, FalconForCausalLM, PhiConfig, PhiForCausalLM

common = dict(vocab_size=1000, hidden_size=48, use_cache=False)
variants = {
    "falcon-mqa": (FalconForCausalLM, FalconConfig(
        **common, num_hidden_layers=2, num_attention_heads=6, new_decoder_architecture=False, multi_query=True,
        parallel_attn=True, bias=True, ffn_hidden_size=80, tie_word_embeddings=False)),
    "falcon-sequential": (FalconForCausalLM, FalconConfig(
        **common, num_hidden_layers=2, num_attention_heads=3, new_decoder_architecture=False, multi_query=False,
        parallel_attn=False, bias=False, activation="gelu_new", rope_parameters={"rope_type": "default", "rope_theta": 500.0})),
    "bloom-variant": (BloomForCausalLM, BloomConfig(
        **common, n_layer=2, n_head=12, apply_residual_connection_post_layernorm=True, tie_word_embeddings=False)),
    "phi-variant": (PhiForCausalLM, PhiConfig(
        **common, intermediate_size=96, num_hidden_layers=2, num_attention_heads=6, num_key_value_heads=2, qk_layernorm=True,
        tie_word_embeddings=True, rope_parameters={"rope_type": "default", "rope_theta": 1000.0, "partial_rotary_factor": 0.75})),
}

save_variants(variants, lambda parameter: ".ln" in parameter or "layernorm" in parameter,
              lambda name, parameter: 1 if parameter.endswith(".weight") else 0)
