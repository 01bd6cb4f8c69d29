import ONNXProto
import Tensor
import Tracer

/// Each op of the vocabulary as ONNX nodes (opset 20), as torch.onnx's symbolic functions write
/// them. The switch is exhaustive: an op added to `Op` does not compile until it has an ONNX form.
extension GraphLowering {
    func lower(_ op: Op, _ node: Node) throws {
        switch op {
        case .add, .sub, .mul, .div, .rsub: try lowerArithmetic(op, node)
        case .gelu:
            let approximate = node.attributes["approximate"] == .string("tanh") ? "tanh" : "none"
            finish(node, "Gelu", [floatInput(node, 0)], [Onnx_AttributeProto("approximate", string: approximate)])
        case .silu:
            let x = floatInput(node, 0)
            finish(node, "Mul", [x, builder.emit1("Sigmoid", [x])])
        case .relu: finish(node, "Relu", [floatInput(node, 0)])
        case .tanh: finish(node, "Tanh", [floatInput(node, 0)])
        case .sigmoid: finish(node, "Sigmoid", [floatInput(node, 0)])
        case .dropout, .contiguous: alias(node, to: input(node, 0))
        case .topk, .routedLinear:
            try lowerExperts(op, node)
        case .sum, .mean:
            let keep = node.attributes["keepdim"] == .bool(true) ? 1 : 0
            finish(node, op == .sum ? "ReduceSum" : "ReduceMean", [floatInput(node, 0), builder.constant(int64: [try int("dim", node)])],
                   [Onnx_AttributeProto("keepdims", int: keep)])
        case .argmax:
            let keep = node.attributes["keepdim"] == .bool(true) ? 1 : 0
            finish(node, "ArgMax", [floatInput(node, 0)], [Onnx_AttributeProto("axis", int: try int("dim", node)), Onnx_AttributeProto("keepdims", int: keep)])
        case .cumsum:
            finish(node, "CumSum", [floatInput(node, 0), builder.constant(int64: [try int("dim", node)], scalar: true)])
        case .ne:
            let other = try builder.constant(float("other", node), dtype: dtype(of: node.inputs[0]))
            finish(node, "Not", [builder.emit1("Equal", [input(node, 0), other])])
        case .where:
            finish(node, "Where", [input(node, 0), floatInput(node, 1), floatInput(node, 2)])
        case .gather:
            finish(node, "GatherElements", [floatInput(node, 0), input(node, 1)], [Onnx_AttributeProto("axis", int: try int("dim", node))])
        case .maskedFill:
            let fill = try builder.constant(float("value", node), dtype: .f32)
            finish(node, "Where", [input(node, 1), fill, floatInput(node, 0)])
        case .reshape, .permute, .transpose, .narrow, .select, .unsqueeze, .squeeze, .expand, .concat, .split, .to:
            try lowerView(op, node)
        case .linear, .matmul, .conv2d, .embedding, .softmax, .layerNorm, .rmsNorm, .rotary:
            try lowerLayer(op, node)
        case .causalMask, .slidingWindowMask, .paddingMask, .arange, .rotaryTables, .relativePositionBuckets,
             .relativePositions:
            try lowerGenerated(op, node)
        }
    }

    /// `add`, `sub`, `mul`, `div` of two tensors or of a tensor and the scalar `other`; `rsub`
    /// is `other − x`.
    private func lowerArithmetic(_ op: Op, _ node: Node) throws {
        let opType = [Op.add: "Add", .sub: "Sub", .mul: "Mul", .div: "Div", .rsub: "Sub"][op]!
        if node.inputs.count == 2 {
            finish(node, opType, [floatInput(node, 0), floatInput(node, 1)])
            return
        }
        let scalar = try builder.constant(float("other", node), dtype: .f32)
        finish(node, opType, op == .rsub ? [scalar, floatInput(node, 0)] : [floatInput(node, 0), scalar])
    }

    /// The static integer attribute `key` (a dimension, never a size).
    func int(_ key: String, _ node: Node) throws -> Int {
        guard case let .int(value) = node.attributes[key] else { throw missing(key, node) }
        return value
    }

    /// The number attribute `key`.
    func float(_ key: String, _ node: Node) throws -> Double {
        switch node.attributes[key] {
        case let .float(value): return value
        case let .int(value): return Double(value)
        default: throw missing(key, node)
        }
    }

    /// The integer list attribute `key`.
    func ints(_ key: String, _ node: Node) throws -> [Int] {
        guard case let .ints(values) = node.attributes[key] else { throw missing(key, node) }
        return values
    }

    private func missing(_ key: String, _ node: Node) -> ONNXExportError {
        .missingAttribute(op: node.kind.name, module: node.scope?.displayPath ?? "<root>", attribute: key)
    }
}
