import ONNXProto
import Tensor
import Tracer

/// Views, copies and conversions as ONNX nodes; sizes that follow the input's batch or length
/// are computed in the graph (`ONNXGraphBuilder.shape`).
extension GraphLowering {
    func lowerView(_ op: Op, _ node: Node) throws {
        let x = input(node, 0)
        let rank = shape(of: node.inputs[0]).count
        switch op {
        case .reshape:
            finish(node, "Reshape", [x, builder.shape(try trace.attribute("shape", of: node))])
        case .permute:
            let order = try ints("dims", node).map { ($0 + rank) % rank }
            finish(node, "Transpose", [x], [Onnx_AttributeProto("perm", ints: order)])
        case .transpose:
            var order = Array(0..<rank)
            order.swapAt((try int("dim0", node) + rank) % rank, (try int("dim1", node) + rank) % rank)
            finish(node, "Transpose", [x], [Onnx_AttributeProto("perm", ints: order)])
        case .narrow:
            let start = try trace.attributeValue("start", of: node), length = try trace.attributeValue("length", of: node)
            finish(node, "Slice", [x, builder.shape([start]), builder.shape([start + length]), builder.constant(int64: [try int("dim", node)])])
        case .select:
            let index = builder.scalar(try trace.attributeValue("index", of: node))
            finish(node, "Gather", [x, index], [Onnx_AttributeProto("axis", int: try int("dim", node))])
        case .unsqueeze:
            finish(node, "Unsqueeze", [x, builder.constant(int64: [try int("dim", node)])])
        case .squeeze:
            finish(node, "Squeeze", [x, builder.constant(int64: [try int("dim", node)])])
        case .expand:
            // torch's −1 keeps a dimension; ONNX's Expand broadcasts, so 1 does the same.
            let sizes = try trace.attribute("size", of: node).map { $0 == DimExpression(constant: -1) ? DimExpression(constant: 1) : $0 }
            finish(node, "Expand", [x, builder.shape(sizes)])
        case .concat:
            finish(node, "Concat", node.inputs.indices.map { input(node, $0) }, [Onnx_AttributeProto("axis", int: try int("dim", node))])
        case .split:
            finish(node, "Split", [x, builder.shape(try trace.attribute("sizes", of: node))], [Onnx_AttributeProto("axis", int: try int("dim", node))])
        case .to:
            guard case let .string(name) = node.attributes["dtype"], let target = DType(rawValue: name) else {
                throw ONNXExportError.missingAttribute(op: op.rawValue, module: node.scope?.displayPath ?? "<root>", attribute: "dtype")
            }
            if target == dtype(of: node.inputs[0]) { alias(node, to: x) } else { finish(node, "Cast", [x], [Onnx_AttributeProto("to", int: Int(target.onnxType))]) }
        default:
            preconditionFailure("\(op) is not a view")
        }
    }
}
