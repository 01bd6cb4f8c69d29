import Tensor

/// The op sets the searchers walk through.
enum GraphOps {
    /// INC's `JIT_SUPPORT_OPS` minus `linear`: the elementwise ops a channel passes through unchanged.
    static let channelPreserving: Set<Op> = [.dropout, .gelu, .silu, .relu, .mul, .add]
    /// Ops that only reshape or reorder a tensor, or rotate within a head (the q/k/v paths of attention).
    static let layout: Set<Op> = [.reshape, .permute, .transpose, .contiguous, .narrow, .select, .unsqueeze,
                                  .squeeze, .expand, .split, .to, .rotary, .dropout, .mul, .div, .concat]
    /// Ops between the attention scores and the probabilities (scaling, masking, softmax).
    static let scoreToProbability: Set<Op> = [.softmax, .dropout, .maskedFill, .add, .div, .mul, .to, .where, .contiguous]
}
