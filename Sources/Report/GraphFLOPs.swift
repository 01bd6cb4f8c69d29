import Profiler
import Tensor
import Tracer

/// FLOPs of one traced forward, counted from the graph's shapes with the profiler's rule
/// (`OpFLOPs`: a multiply-add is two), as PyTorch's `torch.utils.flop_counter` counts a forward.
public struct GraphFLOPs: Codable, Equatable, Sendable {
    /// Every op's FLOPs.
    public var total: Int
    /// The FLOPs of `linear` and `routed_linear` ops only: what slimming channels and heads saves
    /// in the projections (`SlimReport.flopsSaved` counts these).
    public var linear: Int

    /// Counts `graph`'s ops.
    public init(_ graph: Graph) {
        total = 0
        linear = 0
        for node in graph.nodes {
            guard let op = node.op else { continue }
            let inputs = node.inputs.map { Tensor.meta(shape: graph.values[$0].shape, dtype: graph.values[$0].dtype) }
            let outputs = node.outputs.map { Tensor.meta(shape: graph.values[$0].shape, dtype: graph.values[$0].dtype) }
            let flops = OpFLOPs.count(op: op, inputs: inputs, outputs: outputs, attributes: node.attributes)
            total += flops
            if op == .linear || op == .routedLinear { linear += flops }
        }
    }
}
