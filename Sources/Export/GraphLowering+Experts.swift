import ONNXProto
import Tensor
import Tracer

/// Routed experts as standard ONNX ops (no `Loop`, no custom domain), exact for any routing and
/// any batch size or length.
///
/// `topk` is `TopK` on the last axis (largest first, sorted; equal values in position order, as the
/// runtime and `torch.topk` give them); the router's softmax and the renormalisation by the sum
/// are their own recorded ops.
///
/// `routed_linear` (`Tensor.routedLinear`: slot `j` of token `t` is that token's row — or the
/// slot's own row for a `[tokens, k, in]` input — times `weight[experts[t, j]]ᵀ`) is computed
/// densely: every row through every expert in one batched `MatMul` of the rows `[rows, in]` with
/// the weight transposed `[E, in, out]` (a `Transpose` of the initializer, which onnxruntime folds
/// once at load), giving `[E, rows, out]`, then each slot's expert picked with `GatherElements` on
/// the expert axis. Why dense: it is exactly the per-expert GEMM of each row (the same dot products,
/// whatever the routing), the graph is static and small (eight nodes per projection, whatever the
/// expert count), and the weight is never copied per token. What it costs: E/k times the routed
/// FLOPs for a `[tokens, in]` input (the gate-up projection) and E times for a per-slot input (the
/// down projection). The exact-cost alternatives each pay elsewhere: gathering each slot's `[out,
/// in]` matrix copies k weight matrices per token, and per-expert `NonZero`/`Gather`/`ScatterND`
/// chains grow the graph with the expert count (Qwen3-MoE's 128 per layer).
extension GraphLowering {
    func lowerExperts(_ op: Op, _ node: Node) throws {
        switch op {
        case .topk:
            finish(node, "TopK", [floatInput(node, 0), builder.constant(int64: [try int("k", node)])],
                   [Onnx_AttributeProto("axis", int: -1), Onnx_AttributeProto("largest", int: 1), Onnx_AttributeProto("sorted", int: 1)])
        case .routedLinear:
            lowerRoutedLinear(node)
        default:
            preconditionFailure("\(op) is not a routed-experts op")
        }
    }

    private func lowerRoutedLinear(_ node: Node) {
        let weight = shape(of: node.inputs[1]), experts = shape(of: node.inputs[2])
        let (outFeatures, inFeatures, slots) = (weight[1], weight[2], experts[1])
        let perSlot = shape(of: node.inputs[0]).count == 3
        // Rows: one per token ([T, in]) or one per routing slot ([T·k, in]); each row's experts
        // `[rows, slots per row, 1]`.
        let rows = perSlot ? builder.emit1("Reshape", [floatInput(node, 0), builder.constant(int64: [-1, inFeatures])]) : floatInput(node, 0)
        var chosen = input(node, 2)
        if dtype(of: node.inputs[2]) != .i64 { chosen = builder.emit1("Cast", [chosen], [Onnx_AttributeProto("to", int: Int(DType.i64.onnxType))]) }
        let indices = builder.emit1("Reshape", [chosen, builder.constant(int64: perSlot ? [-1, 1, 1] : [-1, slots, 1])])
        let transposed = builder.emit1("Transpose", [floatInput(node, 1)], [Onnx_AttributeProto("perm", ints: [0, 2, 1])])
        let everyExpert = builder.emit1("MatMul", [rows, transposed])
        let byRow = builder.emit1("Transpose", [everyExpert], [Onnx_AttributeProto("perm", ints: [1, 0, 2])])
        let picked = builder.emit1("GatherElements", [byRow, builder.emit1("Expand", [indices, builder.constant(int64: [1, 1, outFeatures])])],
                                   [Onnx_AttributeProto("axis", int: 1)])
        finish(node, "Reshape", [picked, builder.constant(int64: [-1, slots, outFeatures])])
    }
}
