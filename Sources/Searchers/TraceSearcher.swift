import Formats
import Foundation
import Models
import NN
import Tensor
import Tracer

/// The traced model every graph searcher reads: the model, the inputs it ran on and the Graph.
/// INC's `JitBasicSearcher`; where INC traces once per searcher, slimtrace traces once and every
/// searcher reads the same graph.
public final class TraceSearcher {
    /// The model's module tree.
    public let model: Module
    /// The inputs the trace ran on, by name.
    public let inputs: [(name: String, tensor: Tensor)]
    /// The recorded forward pass.
    public let graph: Graph
    /// Wall-clock seconds the traced forward took.
    public let traceSeconds: Double

    /// Traces `model` on `inputs`: the given batch, or INC's placeholder (ones) when nil.
    /// With `meta`, only shapes flow (no weight is read).
    public init(model: any TransformerModel, inputs: ModelInputs) throws {
        try model.validate(inputs)
        let start = DispatchTime.now()
        let (_, graph) = try Tracer.trace(model: model, inputs: inputs.entries) { stamped in
            try model.forward(ModelInputs(zip(inputs.entries, stamped).map { ($0.0.name, $0.1) }))
        }
        self.model = model
        self.inputs = inputs.entries
        self.graph = graph
        linearNodes = graph.nodes.filter { $0.op == .linear }
        traceSeconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// Traces the first of `batches` whose forward pass runs, as INC's searcher walks its
    /// dataloader; when none runs, throws the first batch's error. Returns the trace and the index
    /// of the batch it ran on.
    public static func firstThatRuns(model: any TransformerModel, batches: [ModelInputs]) throws -> (trace: TraceSearcher, batch: Int) {
        var firstError: (any Error)?
        for (index, batch) in batches.enumerated() {
            do {
                return (try TraceSearcher(model: model, inputs: batch), index)
            } catch {
                firstError = firstError ?? error
            }
        }
        throw firstError ?? ModelError.missingInput(name: model.inputSpecs.first?.name ?? "input", model: model.typeName)
    }

    /// Traces any module tree with a forward of your own over named inputs (a model built in code).
    public init(module: Module, inputs: [(name: String, tensor: Tensor)], forward: ([Tensor]) throws -> Tensor) throws {
        let start = DispatchTime.now()
        let (_, graph) = try Tracer.trace(model: module, inputs: inputs, forward)
        model = module
        self.inputs = inputs
        self.graph = graph
        linearNodes = graph.nodes.filter { $0.op == .linear }
        traceSeconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// INC's placeholder rule for a model that declares no input: the first parameter 4-D →
    /// `[1, 3, 512, 512]` f32; 2-D → `[1, 16]` int64; otherwise `[1, 16]` int64 with a warning.
    public static func incPlaceholder(for module: Module) -> (shape: [Int], dtype: DType, warning: String?) {
        switch module.namedParameters().first?.parameter.shape.count {
        case 4: ([1, 3, 512, 512], .f32, nil)
        case 2: ([1, 16], .i64, nil)
        default: ([1, 16], .i64, "cannot generate a placeholder input automatically; using [1, 16] int64")
        }
    }

    /// The graph as IR text lines (INC's `flatten_static_graph`).
    public var irLines: [String] { graph.irLines() }

    /// The `linear` nodes (Linear and Conv1D calls) in execution order, found once: every
    /// searcher reads them.
    public let linearNodes: [Node]

    /// The paths of the modules that ran `linear` ops, in `named_modules` order (INC's "Linear" list,
    /// with Conv1D counted as the linear it is).
    public func linearModulePaths() -> [String] {
        let ran = Set(linearNodes.map { path(of: $0) })
        return model.namedModules().map(\.path).filter(ran.contains)
    }

    /// The module path a node ran in (`""` for the root or none).
    func path(of node: Node) -> String { node.scope?.path ?? "" }
}
