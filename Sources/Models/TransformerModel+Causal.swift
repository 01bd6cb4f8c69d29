import Tensor

extension TransformerModel {
    /// True when the forward pass hides later tokens from each token (a decoder reading running
    /// text, Hugging Face's `is_causal`): its shapes-only trace on a placeholder input builds a
    /// causal mask. Encoders (BERT, ModernBERT, DeBERTa, ViT) attend both ways and give false.
    public func masksAttentionCausally() throws -> Bool {
        let graph = try trace(try PlaceholderInputs.make(for: self, shape: nil, dtype: nil, meta: true))
        return graph.nodes.contains { $0.op == .causalMask }
    }
}
