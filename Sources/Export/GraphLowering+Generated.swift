import Foundation
import ONNXProto
import Tensor
import Tracer

/// Tensors the forward pass makes from the input's size (masks, positions, rotary tables, the
/// tensors it creates itself) as ONNX subgraphs of the dynamic sizes: `Range` for positions,
/// `Greater` / `LessOrEqual` on them for masks, `Cos` / `Sin` of positions × inverse frequencies
/// for rotary tables, T5's log buckets of `Range` differences for relative positions,
/// `ConstantOfShape` for a filled tensor.
extension GraphLowering {
    func lowerGenerated(_ op: Op, _ node: Node) throws {
        switch op {
        case .causalMask, .slidingWindowMask:
            // Key j is masked for query i when j > i + (keys − queries) (causal) or
            // j ≤ i + (keys − queries) − window (too old for the window).
            let queries = try trace.attributeValue("query_length", of: node), keys = try trace.attributeValue("key_length", of: node)
            let rows = builder.emit1("Unsqueeze", [positions(queries), builder.constant(int64: [1])])
            var shift = keys - queries
            if op == .slidingWindowMask { shift = shift - DimExpression(constant: try int("window", node)) }
            let limit = shift == DimExpression(constant: 0) ? rows : builder.emit1("Add", [rows, builder.scalar(shift)])
            finish(node, op == .causalMask ? "Greater" : "LessOrEqual", [positions(keys), limit])
        case .paddingMask:
            let padding = builder.emit1("Equal", [floatInput(node, 0), try builder.constant(0, dtype: .f32)])
            finish(node, "Unsqueeze", [padding, builder.constant(int64: [1, 2])])
        case .arange:
            guard case let .string(name) = node.attributes["dtype"], let target = DType(rawValue: name) else {
                throw ONNXExportError.missingAttribute(op: op.rawValue, module: node.scope?.displayPath ?? "<root>", attribute: "dtype")
            }
            let end = try trace.attributeValue("end", of: node)
            if target == .i64 {
                finish(node, "Range", [builder.scalar(DimExpression(constant: 0)), builder.scalar(end), builder.scalar(DimExpression(constant: 1))])
            } else {
                finish(node, "Cast", [positions(end)], [Onnx_AttributeProto("to", int: Int(target.onnxType))])
            }
        case .rotaryTables:
            try lowerRotaryTables(node)
        case .relativePositionBuckets:
            try lowerRelativePositionBuckets(node)
        case .relativePositions:
            try lowerRelativePositions(node)
        default:
            preconditionFailure("\(op) is not a generated tensor")
        }
    }

    /// `Range(0, count)` as int64 `[count]`.
    private func positions(_ count: DimExpression) -> String {
        builder.emit1("Range", [builder.scalar(DimExpression(constant: 0)), builder.scalar(count), builder.scalar(DimExpression(constant: 1))])
    }

    /// cos and sin of `position · inverse frequency` `[length, dim]`, each angle twice (halves
    /// repeated, or interleaved), computed in f32 as the runtime and Hugging Face do.
    private func lowerRotaryTables(_ node: Node) throws {
        let dim = try int("dim", node)
        let frequencies: [Double]
        if case let .floats(values) = node.attributes["inverse_frequencies"] {
            frequencies = values
        } else {
            let base = try float("base", node)
            frequencies = stride(from: 0, to: dim, by: 2).map { 1 / Foundation.pow(base, Double($0) / Double(dim)) }
        }
        let table = builder.constant(try Onnx_TensorProto(Tensor(frequencies.map { Float($0) }, shape: [frequencies.count])))
        let length = try trace.attributeValue("length", of: node)
        let position = builder.emit1("Cast", [positions(length)], [Onnx_AttributeProto("to", int: Int(DType.f32.onnxType))])
        let angles = builder.emit1("Mul", [builder.emit1("Unsqueeze", [position, builder.constant(int64: [1])]), table])
        let lastAxis = Onnx_AttributeProto("axis", int: -1)
        let repeated: String
        if node.attributes["style"] == .string(RotaryStyle.interleaved.rawValue) {
            let column = builder.emit1("Unsqueeze", [angles, builder.constant(int64: [-1])])
            repeated = builder.emit1("Reshape", [builder.emit1("Concat", [column, column], [lastAxis]), builder.constant(int64: [0, -1])])
        } else {
            repeated = builder.emit1("Concat", [angles, angles], [lastAxis])
        }
        finish(node, output: 0, "Cos", [repeated])
        finish(node, output: 1, "Sin", [repeated])
    }

    /// `relative_position_bucket(key − query)` for every pair, as Hugging Face computes it:
    /// n = query − key; (n < 0)·half, plus |n| when below `exact` (a quarter of the buckets), else
    /// `exact + int(log(|n| / exact) / log(maxDistance / exact) · (half − exact))` in f32, at most
    /// `half − 1`. The log reads `max(|n|, exact)` so that the branch `Where` drops never takes log 0.
    private func lowerRelativePositionBuckets(_ node: Node) throws {
        let buckets = try int("buckets", node), maxDistance = try int("max_distance", node)
        let half = buckets / 2, exact = half / 2
        let queries = try trace.attributeValue("query_length", of: node), keys = try trace.attributeValue("key_length", of: node)
        let n = builder.emit1("Sub", [builder.emit1("Unsqueeze", [positions(queries), builder.constant(int64: [1])]), positions(keys)])
        let int64 = { (value: Int) in self.builder.constant(int64: [value], scalar: true) }
        let float32 = { (value: Float) in try self.builder.constant(Double(value), dtype: .f32) }
        let before = builder.emit1("Mul", [builder.emit1("Cast", [builder.emit1("Less", [n, int64(0)])], [Onnx_AttributeProto("to", int: Int(DType.i64.onnxType))]), int64(half)])
        let distance = builder.emit1("Abs", [n])
        let far = builder.emit1("Cast", [builder.emit1("Max", [distance, int64(exact)])], [Onnx_AttributeProto("to", int: Int(DType.f32.onnxType))])
        let logRange = Float(Foundation.log(Double(maxDistance) / Double(exact)))
        let logScale = builder.emit1("Log", [builder.emit1("Div", [far, try float32(Float(exact))])])
        let scaled = builder.emit1("Mul", [builder.emit1("Div", [logScale, try float32(logRange)]), try float32(Float(half - exact))])
        let large = builder.emit1("Min", [builder.emit1("Add", [builder.emit1("Cast", [scaled], [Onnx_AttributeProto("to", int: Int(DType.i64.onnxType))]), int64(exact)]),
                                          int64(half - 1)])
        let bucket = builder.emit1("Where", [builder.emit1("Less", [distance, int64(exact)]), distance, large])
        finish(node, "Add", [before, bucket])
    }

    /// DeBERTa's relative-position gather index `[1, 1, n, n]` from `Range(0, n)`: `i − j`, log
    /// buckets in f32 where they apply (`Abs`, `Log`, `Ceil`, `Sign`, `Where`, as
    /// `make_log_bucket_position`), then `Clip(span ± r, 0, 2·span − 1)`, in int64.
    private func lowerRelativePositions(_ node: Node) throws {
        let length = try trace.attributeValue("length", of: node)
        let (buckets, maxPosition) = (try int("buckets", node), try int("max_position", node))
        let (span, sign) = (try int("span", node), try int("sign", node))
        let counted = positions(length)
        var relative = builder.emit1("Sub", [builder.emit1("Unsqueeze", [counted, builder.constant(int64: [1])]),
                                             builder.emit1("Unsqueeze", [counted, builder.constant(int64: [0])])])
        if buckets > 0 {
            let mid = Float(buckets / 2)
            func float(_ value: Float) throws -> String { try builder.constant(Double(value), dtype: .f32) }
            let distance = builder.emit1("Cast", [relative], [Onnx_AttributeProto("to", int: Int(DType.f32.onnxType))])
            let magnitude = builder.emit1("Where", [builder.emit1("Less", [builder.emit1("Abs", [distance]), try float(mid)]),
                                                    try float(mid - 1), builder.emit1("Abs", [distance])])
            let scaled = builder.emit1("Div", [builder.emit1("Log", [builder.emit1("Div", [magnitude, try float(mid)])]),
                                               try float(Tensor.logBucketScale(buckets: buckets, maxPosition: maxPosition))])
            let logPosition = builder.emit1("Add", [builder.emit1("Ceil", [builder.emit1("Mul", [scaled, try float(mid - 1)])]), try float(mid)])
            let bucketed = builder.emit1("Where", [builder.emit1("LessOrEqual", [magnitude, try float(mid)]), distance,
                                                   builder.emit1("Mul", [logPosition, builder.emit1("Sign", [distance])])])
            relative = builder.emit1("Cast", [bucketed], [Onnx_AttributeProto("to", int: Int(DType.i64.onnxType))])
        }
        let spanValue = builder.constant(int64: [span], scalar: true)
        let shifted = sign == 1 ? builder.emit1("Add", [relative, spanValue]) : builder.emit1("Sub", [spanValue, relative])
        let clipped = builder.emit1("Clip", [shifted, builder.constant(int64: [0], scalar: true), builder.constant(int64: [2 * span - 1], scalar: true)])
        finish(node, "Unsqueeze", [clipped, builder.constant(int64: [0, 1])])
    }

    /// A tensor the forward pass created: its data when its size is fixed; when the size follows
    /// the input, one repeated value (`ConstantOfShape`) or positions `0..<n` along one axis.
    func lowerConstant(_ node: Node) throws {
        let id = node.outputs[0]
        let module = node.scope?.displayPath ?? "<root>"
        guard let tensor = trace.constants[id] else { throw ONNXExportError.unsupportedConstant(module: module, shape: shape(of: id)) }
        let sizes = try shapeExpressions(of: id, for: node)
        if sizes.allSatisfy(\.isConstant) {
            finish(node, "Constant", [], [Onnx_AttributeProto("value", tensor: try Onnx_TensorProto(tensor))])
            return
        }
        let values = try tensor.integers()
        let floats = try tensor.floats()
        if let first = floats.first, floats.allSatisfy({ $0 == first }) {
            let fill = try Onnx_TensorProto(tensor.dtype.isFloatingPoint ? Tensor([first], shape: [1]).to(tensor.dtype)
                                                                          : Tensor(integers: [values[0]], shape: [1], dtype: tensor.dtype))
            finish(node, "ConstantOfShape", [builder.shape(sizes)], [Onnx_AttributeProto("value", tensor: fill)])
            return
        }
        let long = tensor.shape.enumerated().filter { $0.element != 1 }
        guard long.count == 1, values == Array(0..<values.count), floats == values.map(Float.init) else {
            throw ONNXExportError.unsupportedConstant(module: module, shape: tensor.shape)
        }
        var counted = positions(sizes[long[0].offset])
        if tensor.dtype != .i64 { counted = builder.emit1("Cast", [counted], [Onnx_AttributeProto("to", int: Int(tensor.dtype.onnxType))]) }
        finish(node, "Reshape", [counted, builder.shape(sizes)])
    }
}
