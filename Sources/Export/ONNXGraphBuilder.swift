import ONNXProto
import Tensor
import Tracer

/// Collects the nodes of an ONNX graph in order, naming each after the module it runs in as
/// torch.onnx does (`/bert/encoder/layer.0/intermediate/dense/MatMul`, then `MatMul_1`, ...;
/// outputs `<node>_output_<i>`), and computes the dynamic sizes the graph needs from the primary
/// input's shape (`Shape` with start/end, then `Mul`/`Add`), once per distinct expression.
final class ONNXGraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    /// The module path prefix of the nodes emitted now (`/bert/encoder/layer.0/output/dense`).
    private var prefix = ""
    private var nameCounts: [String: Int] = [:]
    private var dimensions: [DimExpression: String] = [:]
    private var scalars: [DimExpression: String] = [:]
    /// The input whose shape gives `B` (dimension 0) and `S` (dimension 1).
    private let shapeSource: String

    init(shapeSource: String) {
        self.shapeSource = shapeSource
    }

    /// Makes the next nodes belong to `scope` (nil: the graph's top level).
    func enter(_ scope: Scope?) {
        prefix = ONNXGraphBuilder.prefix(of: scope?.path ?? "")
    }

    /// torch.onnx's node-name prefix for a dotted module path: `/` between modules, list indices
    /// kept with their list (`bert.encoder.layer.0.output` → `/bert/encoder/layer.0/output`).
    static func prefix(of path: String) -> String {
        var parts: [String] = []
        for part in path.split(separator: ".") {
            if let last = parts.last, part.allSatisfy(\.isNumber) { parts[parts.count - 1] = last + "." + part } else { parts.append(String(part)) }
        }
        return parts.map { "/" + $0 }.joined()
    }

    /// Appends an `opType` node reading `inputs` and returns its output names (`outputNames` when
    /// given, else `<node>_output_<i>` for `outputs` outputs).
    @discardableResult
    func emit(_ opType: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = [],
              outputs: Int = 1, outputNames: [String?]? = nil) -> [String] {
        let base = prefix + "/" + opType
        let count = nameCounts[base, default: 0]
        nameCounts[base] = count + 1
        var node = Onnx_NodeProto()
        node.name = count == 0 ? base : "\(base)_\(count)"
        node.opType = opType
        node.input = inputs
        node.attribute = attributes
        let names = (0..<(outputNames?.count ?? outputs)).map { index in
            outputNames?[index] ?? "\(node.name)_output_\(index)"
        }
        node.output = names
        nodes.append(node)
        return names
    }

    /// `emit` for a node with one output.
    func emit1(_ opType: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = []) -> String {
        emit(opType, inputs, attributes)[0]
    }

    /// A `Constant` node holding `tensor`.
    func constant(_ tensor: Onnx_TensorProto) -> String {
        emit1("Constant", [], [Onnx_AttributeProto("value", tensor: tensor)])
    }

    /// A `Constant` 1-D int64 tensor (0-D with `scalar`).
    func constant(int64 values: [Int], scalar: Bool = false) -> String {
        constant(Onnx_TensorProto(int64: values, scalar: scalar))
    }

    /// A `Constant` 0-D tensor of `dtype` holding `value`.
    func constant(_ value: Double, dtype: DType) throws -> String {
        try constant(Onnx_TensorProto(scalar: value, dtype: dtype))
    }

    /// A 1-D int64 `[1]` tensor holding the size `expression`.
    func dimension(_ expression: DimExpression) -> String {
        if let name = dimensions[expression] { return name }
        let name: String
        if expression.isConstant {
            name = constant(int64: [expression.constant])
        } else {
            var terms: [String] = []
            let symbols: [(coefficient: Int, symbol: () -> String)] = [
                (expression.product, { self.emit1("Mul", [self.symbol(0), self.symbol(1)]) }),
                (expression.batch, { self.symbol(0) }),
                (expression.sequence, { self.symbol(1) }),
            ]
            for (coefficient, symbol) in symbols where coefficient != 0 {
                let value = symbol()
                terms.append(coefficient == 1 ? value : emit1("Mul", [value, constant(int64: [coefficient])]))
            }
            if expression.constant != 0 { terms.append(constant(int64: [expression.constant])) }
            name = terms.dropFirst().reduce(terms[0]) { emit1("Add", [$0, $1]) }
        }
        dimensions[expression] = name
        return name
    }

    /// A 0-D int64 tensor holding the size `expression` (what `Range` takes).
    func scalar(_ expression: DimExpression) -> String {
        if let name = scalars[expression] { return name }
        let name = expression.isConstant ? constant(int64: [expression.constant], scalar: true)
                                         : emit1("Squeeze", [dimension(expression), constant(int64: [0])])
        scalars[expression] = name
        return name
    }

    /// A 1-D int64 tensor holding the sizes `expressions` (a shape for `Reshape`, `Expand`, ...):
    /// one `Constant` when none is dynamic, else a `Concat` of the parts.
    func shape(_ expressions: [DimExpression]) -> String {
        if expressions.allSatisfy(\.isConstant) { return constant(int64: expressions.map(\.constant)) }
        var parts: [String] = []
        var run: [Int] = []
        for expression in expressions {
            if expression.isConstant { run.append(expression.constant); continue }
            if !run.isEmpty { parts.append(constant(int64: run)); run = [] }
            parts.append(dimension(expression))
        }
        if !run.isEmpty { parts.append(constant(int64: run)) }
        return emit1("Concat", parts, [Onnx_AttributeProto("axis", int: 0)])
    }

    /// `B` (axis 0) or `S` (axis 1) of the primary input, as `[1]` int64.
    private func symbol(_ axis: Int) -> String {
        let expression = axis == 0 ? DimExpression.batchSize : DimExpression.sequenceLength
        if let name = dimensions[expression] { return name }
        let name = emit1("Shape", [shapeSource], [Onnx_AttributeProto("start", int: axis), Onnx_AttributeProto("end", int: axis + 1)])
        dimensions[expression] = name
        return name
    }
}
