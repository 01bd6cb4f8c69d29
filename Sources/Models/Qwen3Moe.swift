/// Qwen3-MoE (`model_type` `qwen3_moe`): `Qwen3MoeModel`, `Qwen3MoeForCausalLM`. Qwen3's attention
/// (per-head `q_norm`/`k_norm`, `attention_bias` on q/k/v/o, a sliding window on every layer only
/// with `use_sliding_window`) and Qwen2-MoE's routing without a shared expert; the block declares
/// its experts before its router. Checkpoints name the experts as Qwen2-MoE's do.
enum Qwen3Moe {
    /// `Qwen3MoeConfig`'s defaults: 128 experts, top 8, width 768, no shared expert.
    static let expertDefaults = ExpertDefaults(expertCount: 128, expertsPerToken: 8, expertIntermediateSize: 768,
                                               sharedExpertIntermediateSize: nil)
}
