import NN

extension Linear {
    /// A causal language model's `lm_head` over `embedding`'s vocabulary: the embedding table
    /// itself (one shared `Parameter`, PyTorch's tied weights) when `tied`, else a weight of its
    /// own (the checkpoint then stores `lm_head.weight`); with a bias of its own when `bias`.
    static func languageModelHead(over embedding: Embedding, tied: Bool, bias: Bool = false) -> Linear {
        let (vocabulary, width) = (embedding.weight.shape[0], embedding.weight.shape[1])
        return tied
            ? Linear(sharing: embedding.weight, bias: bias ? Parameter(shape: [vocabulary]) : nil)
            : Linear(inFeatures: width, outFeatures: vocabulary, bias: bias)
    }
}
