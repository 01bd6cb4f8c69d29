/// Qwen2-MoE (`model_type` `qwen2_moe`): `Qwen2MoeModel`, `Qwen2MoeForCausalLM`. Qwen2's decoder
/// (q/k/v biases per `qkv_bias`, sliding window per `layer_types`) whose routed layers
/// (`decoder_sparse_step`, `mlp_only_layers`) hold a sparse MoE block: `num_experts` experts of
/// width `moe_intermediate_size`, top `num_experts_per_tok`, renormalised when `norm_topk_prob`,
/// plus a shared expert (`Qwen2MoeMLP` of `shared_expert_intermediate_size`) gated by
/// `sigmoid(shared_expert_gate(x))`. The other layers have a dense `Qwen2MoeMLP`.
enum Qwen2Moe {
    /// `Qwen2MoeConfig`'s defaults: 60 experts, top 4, width 1408, shared expert 5632.
    static let expertDefaults = ExpertDefaults(expertCount: 60, expertsPerToken: 4, expertIntermediateSize: 1408,
                                               sharedExpertIntermediateSize: 5632)

    /// `mlp.experts.<e>.gate_proj/up_proj/down_proj.weight` (Qwen3-MoE's too).
    static let expertTensorNames = ExpertTensorNames(blocks: ["mlp"], gate: "gate_proj", up: "up_proj", down: "down_proj")
}
