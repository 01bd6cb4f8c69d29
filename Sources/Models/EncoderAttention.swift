import Tensor
import NN

/// The eager self-attention the encoders share (`BertSelfAttention`, `DistilBertSelfAttention`,
/// `ViTSelfAttention`): heads split off the projections, `softmax(q·kᵀ / √head_size)` with padded
/// keys masked, times v, heads merged again for the output projection.
enum EncoderAttention {
    /// `query`, `key` and `value` are projections `[batch, length, heads · headSize]`; the number of
    /// heads is what the projections hold (`-1`), so a layer whose heads were slimmed away runs with
    /// the heads it has. `paddingMask` is bool `[batch, 1, 1, keys]`, true at padding (nil: attend
    /// everywhere). `probabilityDropout` is the module transformers 4's ViT calls on the
    /// probabilities; without it, the functional dropout (p = 0 in evaluation) of Hugging Face's
    /// eager attention is recorded. `scoreBias` (MPNet's relative position bias, `[1 or batch,
    /// heads, length, length]`) is added to the scaled scores before masking. Returns the context
    /// `[batch, length, heads · headSize]`.
    static func context(query: Tensor, key: Tensor, value: Tensor, headSize: Int, paddingMask: Tensor?,
                        scoreBias: Tensor? = nil, probabilityDropout: Dropout? = nil) throws -> Tensor {
        let (batch, length) = (query.shape[0], query.shape[1])
        func heads(_ projected: Tensor) throws -> Tensor {
            try projected.view([batch, length, -1, headSize]).transpose(1, 2)
        }
        let q = try heads(query), k = try heads(key), v = try heads(value)
        var scores = try q.matmul(k.transpose(2, 3)) * Float(1 / Double(headSize).squareRoot())
        if let scoreBias { scores = try scores + scoreBias }
        if let paddingMask { scores = try scores.maskedFill(paddingMask, value: -.greatestFiniteMagnitude) }
        let probabilities = try probabilityDropout.map { try $0(scores.softmax()) } ?? scores.softmax().dropout(probability: 0)
        let context = try probabilities.matmul(v).transpose(1, 2).contiguous()
        return try context.reshape([batch, length, -1])
    }
}
