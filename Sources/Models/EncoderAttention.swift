import Tensor
import NN

/// The eager self-attention the encoders share (`BertSelfAttention`, `DistilBertSelfAttention`,
/// `ViTSelfAttention`, `ModernBertAttention`): heads split off the projections,
/// `softmax(q·kᵀ / √head_size)` with padded keys masked, times v, heads merged again for the output
/// projection.
enum EncoderAttention {
    /// `query`, `key` and `value` are projections `[batch, length, heads · headSize]`; the number of
    /// heads is what the projections hold (`-1`), so a layer whose heads were slimmed away runs with
    /// the heads it has. `paddingMask` is bool `[batch, 1, 1, keys]`, true at padding (nil: attend
    /// everywhere). `probabilityDropout` is the module transformers 4's ViT calls on the
    /// probabilities; without it, the functional dropout (p = 0 in evaluation) of Hugging Face's
    /// eager attention is recorded. `scoreBias` (MPNet's relative position bias, `[1 or batch,
    /// heads, length, length]`) is added to the scaled scores before masking. `rotary` (ModernBERT's
    /// cos and sin `[length, headSize]`) rotates the query and key heads (`rotate_half`);
    /// `keyMasks` are bool masks broadcasting to the scores, true where a query must not see a key
    /// (ModernBERT's sliding window). Returns the context `[batch, length, heads · headSize]`.
    static func context(query: Tensor, key: Tensor, value: Tensor, headSize: Int, paddingMask: Tensor?,
                        scoreBias: Tensor? = nil, probabilityDropout: Dropout? = nil,
                        rotary: (cos: Tensor, sin: Tensor)? = nil, keyMasks: [Tensor] = []) throws -> Tensor {
        let (batch, length) = (query.shape[0], query.shape[1])
        func heads(_ projected: Tensor) throws -> Tensor {
            try projected.view([batch, length, -1, headSize]).transpose(1, 2)
        }
        func rotated(_ states: Tensor) throws -> Tensor {
            try rotary.map { try states.rotary(cos: $0.cos, sin: $0.sin, style: .halfRotation) } ?? states
        }
        let q = try rotated(heads(query)), k = try rotated(heads(key)), v = try heads(value)
        var scores = try q.matmul(k.transpose(2, 3)) * Float(1 / Double(headSize).squareRoot())
        if let scoreBias { scores = try scores + scoreBias }
        for mask in keyMasks { scores = try scores.maskedFill(mask, value: -.greatestFiniteMagnitude) }
        if let paddingMask { scores = try scores.maskedFill(paddingMask, value: -.greatestFiniteMagnitude) }
        let probabilities = try probabilityDropout.map { try $0(scores.softmax()) } ?? scores.softmax().dropout(probability: 0)
        let context = try probabilities.matmul(v).transpose(1, 2).contiguous()
        return try context.reshape([batch, length, -1])
    }
}
