/// Every op the runtime records, by name: the one vocabulary the op recorder, FLOP counting and
/// the searchers share, so an op name is never spelled twice. The raw value is the name graphs
/// print (IR, JSON, DOT) and errors use.
public enum Op: String, Sendable, Codable, CaseIterable {
    // Elementwise arithmetic.
    case add, sub, mul, div, rsub
    // Activations and dropout.
    case gelu, silu, relu, tanh, sigmoid, dropout
    // Reductions and scans.
    case sum, mean, argmax, cumsum, topk
    // Views, copies and conversions.
    case reshape, permute, transpose, narrow, select, unsqueeze, squeeze, expand, concat, split, contiguous, to
    /// `torch.gather` along one dim: each output element picked by an integer index tensor.
    case gather
    // Layers.
    case linear, matmul, conv2d, embedding, softmax
    /// A linear per routed expert: each token's rows multiplied by the 3-D weight of the experts it
    /// was routed to (`Tensor.routedLinear`), recorded once with the whole weight of every expert.
    case routedLinear = "routed_linear"
    case layerNorm = "layer_norm"
    case rmsNorm = "rms_norm"
    case rotary
    // Masks, comparisons and tables.
    case causalMask = "causal_mask"
    case paddingMask = "padding_mask"
    case slidingWindowMask = "sliding_window_mask"
    case maskedFill = "masked_fill"
    case `where`, ne, arange
    case rotaryTables = "rotary_tables"
    case relativePositionBuckets = "relative_position_buckets"
    /// DeBERTa's relative-position gather index for a sequence length (`Tensor.relativePositionIndex`).
    case relativePositions = "relative_positions"
}
