import Formats
import NN
import Tensor

/// What the decoder-only language models (OPT, GPT-2, GPT-J, the LLaMA family) share: the mask that
/// keeps each token from attending to later tokens and to padding, and Hugging Face's eager
/// attention (`eager_attention_forward`), recorded as the `matmul` ops searchers look for.
enum DecoderOnly {
    /// Which keys each query may not see: later positions, and padding when an attention mask is
    /// given. Built once per forward pass (as Hugging Face's `create_causal_mask`) and applied in
    /// every layer.
    struct AttentionMask {
        /// Bool `[length, length]`, true above the diagonal.
        let causal: Tensor
        /// Bool `[batch, 1, 1, length]`, true at padding; nil without an attention mask.
        let padding: Tensor?

        init(length: Int, attentionMask: Tensor?, meta: Bool) throws {
            causal = try Tensor.causalMask(queryLength: length, keyLength: length, meta: meta)
            padding = try attentionMask?.paddingMask()
        }

        /// `scores` `[batch, heads, queries, keys]` with the masked positions set to the lowest
        /// f32 (`torch.finfo(float32).min`, as Hugging Face's eager mask adds).
        func apply(to scores: Tensor) throws -> Tensor {
            let lowest = -Float.greatestFiniteMagnitude
            let causalScores = try scores.maskedFill(causal, value: lowest)
            return try padding.map { try causalScores.maskedFill($0, value: lowest) } ?? causalScores
        }
    }

    /// `softmax(mask(q·kᵀ · scaling))·v` for `[batch, heads, length, headDim]` query, key and value,
    /// returned as `[batch, length, heads · headDim]` for the output projection (transposed back,
    /// heads merged, contiguous). The dropout on the probabilities is recorded with p = 0, as in
    /// evaluation mode.
    static func attention(query: Tensor, key: Tensor, value: Tensor, mask: AttentionMask, scaling: Float) throws -> Tensor {
        let (batch, length) = (query.shape[0], query.shape[2])
        let scores = try query.matmul(key.transpose(-1, -2)).mul(scaling)
        let probabilities = try mask.apply(to: scores).softmax().dropout(probability: 0)
        let context = try probabilities.matmul(value).transpose(1, 2).contiguous()
        return try context.reshape([batch, length, -1]).contiguous()
    }
}

/// A decoder-only model, base or with its language-model head, run on token ids and an optional
/// attention mask (`TokenInputs`): its inputs and `forward` come from here, so each model only says
/// what it computes.
protocol DecoderOnlyModel: TransformerModel {
    /// `last_hidden_state` (base models) or logits (language-model heads) for token ids
    /// `[batch, length]` and an optional attention mask of the same shape.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor
}

extension DecoderOnlyModel {
    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        let tokens = try TokenInputs(inputs, of: self)
        return try self(inputIds: tokens.ids, attentionMask: tokens.attentionMask)
    }
}
