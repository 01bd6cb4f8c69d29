import Tensor

/// The op sets the searchers walk through.
enum GraphOps {
    /// INC's `JIT_SUPPORT_OPS` minus `linear`: the elementwise ops a channel passes through unchanged.
    static let channelPreserving: Set<Op> = [.dropout, .gelu, .silu, .relu, .mul, .add]
    /// Ops that only reshape or reorder a tensor, rotate within a head or normalise (the q/k/v paths
    /// of attention, with Qwen3's, Gemma 3's and OLMo 2's q/k norms).
    static let layout: Set<Op> = [.reshape, .permute, .transpose, .contiguous, .narrow, .select, .unsqueeze,
                                  .squeeze, .expand, .split, .to, .rotary, .rmsNorm, .dropout, .mul, .div, .concat]
    /// Ops between the attention scores and the probabilities (scaling, masking, softmax).
    static let scoreToProbability: Set<Op> = [.softmax, .dropout, .maskedFill, .add, .div, .mul, .to, .where, .contiguous]
}
