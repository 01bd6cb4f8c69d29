"""Makes Tests/Fixtures/models/modernbert-{variant,mlm}: small ModernBERT checkpoints in
configurations the shared fixture does not cover: local attention windows shorter than the input
(so the bidirectional sliding window masks), other head counts and sizes, global layers every
third / second layer, every bias on (attention, MLP, norms, classifier head) or off, the legacy
`global_rope_theta` / `local_rope_theta` keys, mean pooling over a padded batch (the attention mask
is saved with the ids) and the masked-LM head tied to the embeddings; random init with seed 0,
every norm weight and bias randomised, and PyTorch's logits.

Run from the repository root with transformers 5.24: python3 scripts/reference/make_modernbert_variants.py
"""
import torch
from make_decoder_variants import save_variants
from transformers import ModernBertConfig, ModernBertForMaskedLM, ModernBertForSequenceClassification

common = dict(vocab_size=1000, initializer_range=0.3, pad_token_id=0, bos_token_id=1, eos_token_id=2, cls_token_id=1, sep_token_id=2)
classifier = {
    "modernbert-variant": (ModernBertForSequenceClassification, ModernBertConfig(
        **common, hidden_size=48, intermediate_size=80, num_hidden_layers=4, num_attention_heads=6, global_attn_every_n_layers=3,
        local_attention=6, attention_bias=True, mlp_bias=True, norm_bias=True, classifier_bias=True, classifier_pooling="mean",
        hidden_activation="silu", classifier_activation="gelu_new", num_labels=3, global_rope_theta=1000.0, local_rope_theta=50.0)),
}
masked_lm = {
    "modernbert-mlm": (ModernBertForMaskedLM, ModernBertConfig(
        **common, hidden_size=64, intermediate_size=96, num_hidden_layers=3, num_attention_heads=2, global_attn_every_n_layers=2,
        local_attention=10, mlp_bias=True, decoder_bias=True, tie_word_embeddings=True)),
}

is_norm = lambda parameter: "norm" in parameter
save_variants(classifier, is_norm, lambda name, parameter: 1, attention_mask=torch.tensor([[1] * 16, [1] * 11 + [0] * 5]))
save_variants(masked_lm, is_norm, lambda name, parameter: 1)
