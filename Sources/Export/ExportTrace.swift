import Formats
import Models
import Tensor
import Tracer

/// The traces an export reads: the forward pass on the given inputs (real tensors: its output is
/// what the exported graph must reproduce, its constants are written into the graph) and, for
/// dynamic axes, meta traces of the same model at other batch sizes and lengths. A size that
/// differs between them is an expression of the batch size `B` and the length `S` (`DimExpression`).
///
/// Axes: dimension 0 of every input is the batch; dimension 1 is the sequence when every input is
/// `[batch, length]` (token inputs). Images (`pixel_values` `[B, 3, H, W]`) keep their height
/// and width static, as position embeddings sized to the patch count require.
struct ExportTrace {
    /// The traced forward pass.
    let graph: Graph
    /// What the model returned.
    let output: Tensor
    /// The tensors behind `graph`'s constant nodes, by value id.
    let constants: [Int: Tensor]
    /// The traced size first, then the variants' (`DimPoint.variants`); one point without dynamic axes.
    let points: [DimPoint]
    /// The graphs at `points` (the first is `graph`).
    let graphs: [Graph]

    /// Traces `model` on `inputs` and, with `dynamicAxes`, at the variant sizes in meta mode.
    init(model: any TransformerModel, inputs: ModelInputs, dynamicAxes: Bool) throws {
        let tracer = Tracer(model: model)
        (output, graph) = try model.trace(inputs, with: tracer)
        constants = tracer.constants
        let shapes = inputs.entries.map(\.tensor.shape)
        guard dynamicAxes, let batch = shapes.first?.first, shapes.allSatisfy({ $0.first == batch }) else {
            points = [DimPoint(batch: shapes.first?.first ?? 1)]
            graphs = [graph]
            return
        }
        let sequenceAxis = shapes.allSatisfy { $0.count == 2 && $0[1] == shapes[0][1] }
        points = DimPoint.variants(of: DimPoint(batch: batch, sequence: sequenceAxis ? shapes[0][1] : nil))
        var graphs = [graph]
        for point in points.dropFirst() {
            let variant = ModelInputs(inputs.entries.map { name, tensor in
                var shape = tensor.shape
                shape[0] = point.batch
                if let length = point.sequence { shape[1] = length }
                return (name, Tensor.meta(shape: shape, dtype: tensor.dtype))
            })
            let other = try model.trace(variant)
            try ExportTrace.checkSameStructure(graph, other, at: point)
            graphs.append(other)
        }
        self.graphs = graphs
    }

    /// The expressions of the integer attribute `key` of node `node` (one per element of an
    /// `ints` attribute, one for an `int`).
    func attribute(_ key: String, of node: Node) throws -> [DimExpression] {
        let samples = graphs.map { $0.nodes[node.id].attributes[key] }
        let lists: [[Int]] = samples.map { sample in
            switch sample {
            case let .int(value): [value]
            case let .ints(values): values
            default: []
            }
        }
        return try (0..<lists[0].count).map { index in
            let values = lists.map { $0[index] }
            guard let fitted = DimExpression.fit(values, at: points) else {
                throw ONNXExportError.unsupportedDynamicSize(op: node.kind.name, module: node.scope?.displayPath ?? "<root>", attribute: key, values: values)
            }
            return fitted
        }
    }

    /// The expression of one integer attribute.
    func attributeValue(_ key: String, of node: Node) throws -> DimExpression {
        guard let first = try attribute(key, of: node).first else {
            throw ONNXExportError.missingAttribute(op: node.kind.name, module: node.scope?.displayPath ?? "<root>", attribute: key)
        }
        return first
    }

    /// The shape of value `id` as expressions; a dimension no expression fits is nil.
    func shape(of id: Int) -> [DimExpression?] {
        let shapes = graphs.map { $0.values[id].shape }
        return (0..<shapes[0].count).map { axis in DimExpression.fit(shapes.map { $0[axis] }, at: points) }
    }

    /// Throws unless `other` (traced at `point`) runs the same ops on the same values as `traced`.
    private static func checkSameStructure(_ traced: Graph, _ other: Graph, at point: DimPoint) throws {
        let size = point.sequence.map { "batch \(point.batch), length \($0)" } ?? "batch \(point.batch)"
        for (a, b) in zip(traced.nodes, other.nodes) where a.kind != b.kind || a.inputs != b.inputs || Set(a.attributes.keys) != Set(b.attributes.keys) {
            throw ONNXExportError.shapeDependentGraph(module: a.scope?.displayPath ?? "<root>", detail: "node \(a.id) is \(a.kind.name) when traced, \(b.kind.name) at \(size)")
        }
        if traced.nodes.count != other.nodes.count {
            throw ONNXExportError.shapeDependentGraph(module: "<root>", detail: "\(traced.nodes.count) nodes when traced, \(other.nodes.count) at \(size)")
        }
    }
}
