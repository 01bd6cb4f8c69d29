import Foundation
import Models
import ONNXProto
import Tensor
import Tracer

/// Lowers a traced forward pass to an ONNX graph, node by node in execution order (torch.onnx's
/// symbolic functions, one per op): inputs become graph inputs with dynamic `batch_size` /
/// `sequence_length` dimensions, parameters initializers under their dotted names (tied weights
/// once), constants `Constant` nodes (or `ConstantOfShape` / `Range` when their size follows the
/// input's), and each op the ONNX nodes that compute it, in the op's module scope.
final class GraphLowering {
    let trace: ExportTrace
    let builder: ONNXGraphBuilder
    private let parameters: [String: Tensor]
    /// ONNX name of each traced value lowered so far.
    private var names: [Int: String] = [:]
    /// Names the graph outputs must have (`logits`, ...), by value id.
    private let outputNames: [Int: String]
    private var floatCasts: [Int: String] = [:]
    private var transposedWeights: [Int: String] = [:]
    /// The initializers (shape and type; their elements are `weights`).
    private(set) var initializers: [Onnx_TensorProto] = []
    /// Each initializer's tensor, by name: written straight from memory, never copied into the proto.
    private(set) var weights: [String: Tensor] = [:]
    private(set) var inputs: [Onnx_ValueInfoProto] = []

    init(trace: ExportTrace, model: any TransformerModel) {
        self.trace = trace
        let graph = trace.graph
        builder = ONNXGraphBuilder(shapeSource: graph.inputValues.first?.name ?? "")
        parameters = Dictionary(model.namedParameters().map { ($0.name, $0.parameter.tensor) }, uniquingKeysWith: { first, _ in first })
        var outputNames: [Int: String] = [:]
        for (index, id) in graph.outputs.enumerated() where outputNames[id] == nil {
            outputNames[id] = index == 0 ? model.outputName : "\(model.outputName)_\(index)"
        }
        self.outputNames = outputNames
    }

    /// The ONNX graph of the trace.
    func lower(name: String) throws -> Onnx_GraphProto {
        for node in trace.graph.nodes {
            builder.enter(node.scope)
            switch node.kind {
            case .input: try lowerInput(node)
            case .parameter: try lowerParameter(node)
            case .constant: try lowerConstant(node)
            case let .op(op): try lower(op, node)
            }
        }
        var graph = Onnx_GraphProto()
        graph.name = name
        graph.node = builder.nodes
        graph.initializer = initializers
        graph.input = inputs
        graph.output = trace.graph.outputs.map { valueInfo(name: self.name(of: $0), id: $0) }
        return graph
    }

    // MARK: Values

    /// The ONNX name of traced value `id`.
    func name(of id: Int) -> String {
        names[id]!
    }

    /// The ONNX name of `node`'s input `index`.
    func input(_ node: Node, _ index: Int) -> String {
        name(of: node.inputs[index])
    }

    /// `node`'s input `index` as f32 (a `Cast` when it is not; the runtime computes in f32).
    func floatInput(_ node: Node, _ index: Int) -> String {
        let id = node.inputs[index]
        guard dtype(of: id) != .f32 else { return name(of: id) }
        if let cast = floatCasts[id] { return cast }
        let cast = builder.emit1("Cast", [name(of: id)], [Onnx_AttributeProto("to", int: Int(DType.f32.onnxType))])
        floatCasts[id] = cast
        return cast
    }

    /// The weight `node.inputs[index]` transposed (`[out, in]` → `[in, out]` for `MatMul`), once per weight.
    func transposedWeight(_ node: Node, _ index: Int) -> String {
        let id = node.inputs[index]
        if let name = transposedWeights[id] { return name }
        let name = builder.emit1("Transpose", [floatInput(node, index)], [Onnx_AttributeProto("perm", ints: [1, 0])])
        transposedWeights[id] = name
        return name
    }

    func dtype(of id: Int) -> DType { trace.graph.values[id].dtype }
    func shape(of id: Int) -> [Int] { trace.graph.values[id].shape }

    /// Emits the node that produces `node`'s outputs (named as graph outputs where they are).
    func finish(_ node: Node, _ opType: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = []) {
        let produced = builder.emit(opType, inputs, attributes, outputNames: node.outputs.map { outputNames[$0] })
        for (id, name) in zip(node.outputs, produced) { names[id] = name }
    }

    /// Emits the node that produces `node`'s output `index` alone.
    func finish(_ node: Node, output index: Int, _ opType: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = []) {
        let id = node.outputs[index]
        names[id] = builder.emit(opType, inputs, attributes, outputNames: [outputNames[id]])[0]
    }

    /// `node`'s one output is `source` itself (a view or a no-op: dropout, contiguous); an
    /// `Identity` when it is a graph output, which needs its own name.
    func alias(_ node: Node, to source: String) {
        if outputNames[node.outputs[0]] != nil { finish(node, "Identity", [source]) } else { names[node.outputs[0]] = source }
    }

    /// The shape of value `id` as expressions, failing (naming `node`) where none fits.
    func shapeExpressions(of id: Int, for node: Node) throws -> [DimExpression] {
        let expressions = trace.shape(of: id)
        guard expressions.allSatisfy({ $0 != nil }) else {
            throw ONNXExportError.unsupportedDynamicSize(op: node.kind.name, module: node.scope?.displayPath ?? "<root>",
                                                         attribute: "shape", values: trace.graphs.map { $0.values[id].shape }.flatMap { $0 })
        }
        return expressions.map { $0! }
    }

    // MARK: Sources

    private func lowerInput(_ node: Node) throws {
        let id = node.outputs[0]
        let name = trace.graph.values[id].name ?? "input_\(inputs.count)"
        names[id] = name
        inputs.append(valueInfo(name: name, id: id))
    }

    private func lowerParameter(_ node: Node) throws {
        let id = node.outputs[0]
        guard let name = trace.graph.values[id].name, let tensor = parameters[name] else {
            throw ONNXExportError.unnamedParameter(module: node.scope?.displayPath ?? "<root>", shape: shape(of: id))
        }
        names[id] = name
        initializers.append(Onnx_TensorProto(describing: tensor, name: name))
        weights[name] = tensor
    }

    /// A graph input or output: its dtype and its dimensions, `batch_size` and `sequence_length`
    /// where they follow the input (torch.onnx's `dynamic_axes` names), numbers where static.
    private func valueInfo(name: String, id: Int) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = dtype(of: id).onnxType
        tensorType.shape.dim = trace.shape(of: id).map { expression in
            var dimension = Onnx_TensorShapeProto.Dimension()
            switch expression {
            case .some(DimExpression.batchSize): dimension.dimParam = "batch_size"
            case .some(DimExpression.sequenceLength): dimension.dimParam = "sequence_length"
            case let .some(expression) where expression.isConstant: dimension.dimValue = Int64(expression.constant)
            default: break
            }
            return dimension
        }
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensorType
        return info
    }
}
