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

    /// `softmax(mask(q·kᵀ · scaling))·v` for `[batch, heads, length, headDim]` query and
    /// `[batch, keyValueHeads, length, headDim]` key and value (grouped-query attention repeats each
    /// key/value head for its group, Hugging Face's `repeat_kv`), returned as
    /// `[batch, length, heads · headDim]` for the output projection (transposed back, heads merged,
    /// contiguous). `window` (bool `[length, length]`, true where a key is older than the layer's
    /// sliding window) is masked out like the future and the padding. With `softcap` (Gemma 2's
    /// `attn_logit_softcapping`) the scaled scores are soft-capped before masking. The dropout on
    /// the probabilities is recorded with p = 0, as in evaluation mode. `bias` (BLOOM's ALiBi,
    /// `[batch, heads, 1, length]`) is added to the scaled scores.
    static func attention(query: Tensor, key: Tensor, value: Tensor, mask: AttentionMask, scaling: Float,
                          bias: Tensor? = nil, softcap: Float? = nil, window: Tensor? = nil) throws -> Tensor {
        let (batch, length) = (query.shape[0], query.shape[2])
        let keys = try repeatKeyValueHeads(key, toMatch: query), values = try repeatKeyValueHeads(value, toMatch: query)
        let product = try query.matmul(keys.transpose(-1, -2)).mul(scaling)
        let scaled = try bias.map { try product + $0 } ?? product
        let scores = try softcap.map { try Self.softcap(scaled, $0) } ?? scaled
        let windowed = try window.map { try scores.maskedFill($0, value: -.greatestFiniteMagnitude) } ?? scores
        let probabilities = try mask.apply(to: windowed).softmax().dropout(probability: 0)
        let context = try probabilities.matmul(values).transpose(1, 2).contiguous()
        return try context.reshape([batch, length, -1]).contiguous()
    }

    /// `cap · tanh(x / cap)`: Gemma's soft-capping of attention scores and final logits.
    static func softcap(_ x: Tensor, _ cap: Float) throws -> Tensor {
        try x.div(cap).tanh().mul(cap)
    }

    /// Hugging Face's `repeat_kv`: each key/value head repeated for its group of query heads
    /// (`[B, kv, S, d]` → `[B, kv·n, S, d]` by expand + reshape); the identity without grouping.
    private static func repeatKeyValueHeads(_ states: Tensor, toMatch query: Tensor) throws -> Tensor {
        let queryHeads = query.shape[1], keyValueHeads = states.shape[1]
        guard keyValueHeads != queryHeads else { return states }
        guard keyValueHeads > 0, queryHeads % keyValueHeads == 0 else {
            throw TensorError.shapeMismatch(op: "repeat_kv", detail: "\(keyValueHeads) key/value heads do not divide \(queryHeads) query heads")
        }
        let (batch, length, size) = (states.shape[0], states.shape[2], states.shape[3])
        let groups = queryHeads / keyValueHeads
        return try states.unsqueeze(2).expand([batch, keyValueHeads, groups, length, size]).reshape([batch, queryHeads, length, size])
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
