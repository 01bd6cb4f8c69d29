import Tensor
import Tracer

/// The op sets the searchers walk through.
enum GraphOps {
    /// INC's `JIT_SUPPORT_OPS` minus `linear`: the elementwise ops a channel passes through unchanged.
    static let channelPreserving: Set<Op> = [.dropout, .gelu, .silu, .relu, .mul, .add]
    /// Ops that only reshape or reorder a tensor, rotate within a head or normalise (the q/k/v paths
    /// of attention, with Qwen3's, Gemma 3's and OLMo 2's q/k norms).
    static let layout: Set<Op> = [.reshape, .permute, .transpose, .contiguous, .narrow, .select, .unsqueeze,
                                  .squeeze, .expand, .split, .to, .rotary, .rmsNorm, .dropout, .mul, .div, .concat]
    /// Ops between the attention scores and the probabilities (scaling, Gemma 2's soft-capping,
    /// masking, softmax).
    static let scoreToProbability: Set<Op> = [.softmax, .dropout, .maskedFill, .add, .div, .mul, .tanh, .to, .where, .contiguous]
}

extension Graph {
    /// True when `node` is a `split` (or `chunk`) of the feature axis into equal pieces: channel `c`
    /// of every piece is channel `c` of the same structure (Phi-3's `gate_up_proj(x).chunk(2, -1)`
    /// gives the gate and up halves of a GLU).
    func isEqualFeatureSplit(_ node: Node) -> Bool {
        guard node.op == .split, let input = node.inputs.first, case let .int(axis)? = node.attributes["dim"],
              case let .ints(sizes)? = node.attributes["sizes"], let first = sizes.first else { return false }
        let rank = values[input].shape.count
        return (axis == -1 || axis == rank - 1) && sizes.allSatisfy { $0 == first }
    }

    /// True when the Linear2Linear walks pass through `node`: a channel-preserving elementwise op
    /// (INC's set), or an equal split of the feature axis (beyond INC: a fused GLU projection).
    func passesChannels(_ node: Node) -> Bool {
        node.runs(GraphOps.channelPreserving) || isEqualFeatureSplit(node)
    }
}
