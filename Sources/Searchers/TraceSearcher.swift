import NN
import Tensor
import Tracer

/// The traced model every graph searcher reads: the module tree and the Graph of its forward
/// pass. INC's `JitBasicSearcher`; where INC traces once per searcher, slimtrace traces once
/// (`TransformerModel.trace` in Models, or `Tracer.trace` for a module tree of your own) and every
/// searcher reads the same graph.
public final class TraceSearcher {
    /// The model's module tree.
    public let model: Module
    /// The recorded forward pass.
    public let graph: Graph
    /// Wall-clock seconds the traced forward took (0 when not measured).
    public let traceSeconds: Double

    /// The searchers' view of `graph`, a forward pass of `model`.
    public init(model: Module, graph: Graph, traceSeconds: Double = 0) {
        self.model = model
        self.graph = graph
        self.traceSeconds = traceSeconds
        linearNodes = graph.nodes.filter { $0.op == .linear }
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
