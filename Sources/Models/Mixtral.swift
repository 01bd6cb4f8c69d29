/// Mixtral (`model_type` `mixtral`): `MixtralModel`, `MixtralForCausalLM`. LLaMA's decoder with
/// grouped-query attention, an optional sliding window on every layer, and a sparse MoE block in
/// every layer: `num_local_experts` experts of width `intermediate_size`, the top
/// `num_experts_per_tok` chosen per token, their probabilities always renormalised. Checkpoints
/// name the block `block_sparse_moe` and each expert's projections `w1` (gate), `w3` (up), `w2` (down).
enum Mixtral {
    /// `MixtralConfig`'s defaults: 8 experts, top 2, width 14336, no shared expert.
    static let expertDefaults = ExpertDefaults(expertCount: 8, expertsPerToken: 2, expertIntermediateSize: 14336,
                                               sharedExpertIntermediateSize: nil)

    /// `block_sparse_moe.experts.<e>.w1/w3/w2.weight` (also found under `mlp.`).
    static let expertTensorNames = ExpertTensorNames(blocks: ["block_sparse_moe", "mlp"], gate: "w1", up: "w3", down: "w2")
}
