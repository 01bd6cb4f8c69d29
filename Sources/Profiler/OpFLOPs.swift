import Tensor

/// Floating-point operations of one op, from its shapes alone (no data is read), as the profiler
/// counts them. A multiply-add is two FLOPs.
///
/// | op | FLOPs |
/// | --- | --- |
/// | `linear` | `2·rows·in·out` (`rows`: the input's elements / `in`; a Conv1D weight, `layout: inOut`, is `[in, out]`); the bias add is not counted |
/// | `routed_linear` | `2·tokens·k·in·out` (each routing slot is one row through its expert's `[out, in]` weight) |
/// | `matmul` | `2·batch·M·K·N` |
/// | `conv2d` | `2·N·O·outH·outW·C·kH·kW` |
/// | elementwise arithmetic, activations, `layer_norm`, `rms_norm`, `softmax`, `masked_fill`, `where`, `ne`, `rotary`, `cumsum` | one per output element (an approximation: a norm or a softmax does a few per element) |
/// | `sum`, `mean`, `argmax`, `topk` | one per input element |
/// | views, copies, conversions, `concat`, `split`, `embedding` (a gather), `dropout` (identity in eval), mask and table builders, `arange` | 0 |
///
/// An op this table does not know counts 0.
public enum OpFLOPs {
    /// The FLOPs of `op` run on `inputs` (in argument order) producing `outputs`, with the op's
    /// recorded `attributes` (`linear` reads `layout`).
    public static func count(op: Op, inputs: [Tensor], outputs: [Tensor], attributes: [String: OpAttribute]) -> Int {
        switch op {
        case .linear:
            guard inputs.count >= 2, inputs[1].rank == 2 else { return 0 }
            let weight = inputs[1].shape
            let inOut = attributes["layout"] == .string(WeightLayout.inOut.rawValue)
            let (inFeatures, outFeatures) = inOut ? (weight[0], weight[1]) : (weight[1], weight[0])
            guard inFeatures > 0 else { return 0 }
            let rows = inputs[0].elementCount / inFeatures
            return 2 * rows * inFeatures * outFeatures
        case .routedLinear:
            guard inputs.count >= 2, inputs[1].rank == 3, let output = outputs.first else { return 0 }
            return 2 * output.elementCount * inputs[1].shape[2]
        case .matmul:
            guard let inner = inputs.first?.shape.last, let output = outputs.first else { return 0 }
            return 2 * output.elementCount * inner
        case .conv2d:
            guard inputs.count >= 2, inputs[1].rank == 4, let output = outputs.first else { return 0 }
            let weight = inputs[1].shape
            return 2 * output.elementCount * weight[1] * weight[2] * weight[3]
        case .add, .sub, .mul, .div, .rsub,
             .gelu, .silu, .relu, .tanh, .sigmoid,
             .layerNorm, .rmsNorm, .softmax,
             .maskedFill, .where, .ne, .rotary, .cumsum:
            return outputs.reduce(0) { $0 + $1.elementCount }
        case .sum, .mean, .argmax, .topk:
            return inputs.first?.elementCount ?? 0
        default:
            return 0
        }
    }
}
