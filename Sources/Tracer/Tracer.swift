import NN
import Tensor

/// Records one forward pass of a module tree as a `Graph`, like `torch.jit.trace` with scopes.
///
/// ```swift
/// let (logits, graph) = try Tracer.trace(model: model, inputs: [("input_ids", ids)]) { inputs in
///     try model(inputs[0])
/// }
/// ```
///
/// While the forward body runs, the tracer is the task's op recorder (`OpRecording`) and module-call
/// observer: every outermost op becomes a node in the scope of the innermost module active, every
/// parameter becomes a `param` node where it is first read (one per `Parameter`, named by its dotted
/// name and scoped to the module owning it), each named input an `input` node, and a tensor an op
/// receives that the trace has not seen (one created inside the forward body) a `constant` node.
///
/// Module paths and parameter names are computed once, in `init`; per op the tracer only appends a
/// node and its output values (the scope is a copy of a prebuilt `Scope`). Real and meta tensors
/// trace to the same graph. A tracer may trace several times, one trace at a time.
public final class Tracer: OpRecorder, ModuleCallObserver {
    /// The model whose modules and parameters the trace names.
    public let model: Module

    /// The model's modules and parameters, indexed once.
    private let index: ModuleIndex
    /// One scope per module instance, `named_modules()` order (indexed like `index.modules`).
    private let scopes: [Scope]

    // State of the trace in progress.
    private var tracing = false
    private var nodes: [Node] = []
    private var values: [Value] = []
    /// The modules entered and not yet left, outermost first, with the scope their ops get.
    private var stack: [(module: ObjectIdentifier, scope: Int?)] = []
    private var scope: Scope?
    private var parameterValues: [ObjectIdentifier: Int] = [:]
    private var problems: [TracerError] = []
    /// The first module left since the last op, parameter read or module entry (`.some(nil)`:
    /// an unregistered one): where a throwing forward body threw.
    private var firstExitSinceLastEvent: Scope??
    /// Nodes recorded by the previous trace (to reserve capacity for the next).
    private var lastNodeCount = 0

    /// The tensors behind the `constant` nodes of the last trace, by value id (what an exporter
    /// needs to write them: the graph itself records only their shapes).
    public private(set) var constants: [Int: Tensor] = [:]

    /// A tracer for `model`: maps every module to its dotted path and every parameter to its
    /// dotted name once (PyTorch's `named_modules()` / `named_parameters()`, first path wins for a
    /// shared module or parameter).
    public init(model: Module) {
        self.model = model
        index = ModuleIndex(model)
        scopes = index.scopes
    }

    /// Traces `forward` on `model` (see `trace(inputs:_:)`).
    public static func trace<R>(model: Module, inputs: [(name: String, tensor: Tensor)],
                                _ forward: ([Tensor]) throws -> R) throws -> (output: R, graph: Graph) {
        try Tracer(model: model).trace(inputs: inputs, forward)
    }

    /// Runs `forward` once under the tracer and returns what it returned with the recorded graph.
    ///
    /// `inputs` become `input` nodes in the order given; `forward` receives them stamped with their
    /// value ids (pass these, not the originals, to the model). The graph's `outputs` are the
    /// traced tensors `forward` returns (a `Tensor`, a `[Tensor]`, an optional or a tuple of them).
    ///
    /// Throws `TracerError.forwardFailed` (naming the innermost module active) when `forward`
    /// throws, and the other `TracerError`s when the model tree and the forward pass disagree
    /// (unregistered modules or parameters, unbalanced module entries).
    public func trace<R>(inputs: [(name: String, tensor: Tensor)],
                         _ forward: ([Tensor]) throws -> R) throws -> (output: R, graph: Graph) {
        guard !tracing else { throw TracerError.alreadyTracing }
        var seenNames = Set<String>()
        for (name, _) in inputs where !seenNames.insert(name).inserted {
            throw TracerError.duplicateInputName(name)
        }
        begin()
        defer { end() }

        let stamped = inputs.map { name, tensor in
            stampedSource(.input, tensor, name: name, scope: nil)
        }
        let output: R
        do {
            output = try OpRecording.withRecorder(self) { try forward(stamped) }
        } catch {
            if !stack.isEmpty { throw TracerError.unbalancedScopes(open: openScopes) }
            throw TracerError.forwardFailed(scope: firstExitSinceLastEvent ?? nil, underlying: error)
        }
        if !stack.isEmpty { throw TracerError.unbalancedScopes(open: openScopes) }
        if let problem = problems.first { throw problem }

        var outputs: [Int] = []
        collectOutputs(output, into: &outputs)
        // Consistent by construction: ids are indices, inputs are earlier values.
        let graph = Graph(checkedNodes: nodes, values: values, outputs: outputs, modules: scopes)
        return (output, graph)
    }

    /// How many modules are entered and not yet left (0 outside a module call and between traces).
    public var openScopeCount: Int { stack.count }

    /// The scope the next op would be recorded in (nil outside every module and between traces).
    public var currentScope: Scope? { scope }

    // MARK: OpRecorder

    public func record(op: Op, inputs: [Tensor], outputs: [Tensor], attributes: [String: OpAttribute]) -> [Int] {
        precondition(tracing, "Tracer received op \(op) outside trace(inputs:_:)")
        firstExitSinceLastEvent = nil
        var inputIDs: [Int] = []
        inputIDs.reserveCapacity(inputs.count)
        for tensor in inputs {
            inputIDs.append(tracedID(tensor) ?? stampedSource(.constant, tensor, name: nil, scope: scope).traceID!)
        }
        let nodeIndex = nodes.count
        var outputIDs: [Int] = []
        outputIDs.reserveCapacity(outputs.count)
        for tensor in outputs {
            outputIDs.append(values.count)
            values.append(Value(id: values.count, shape: tensor.shape, dtype: tensor.dtype, producer: nodeIndex))
        }
        nodes.append(Node(id: nodeIndex, kind: .op(op), inputs: inputIDs, outputs: outputIDs, attributes: attributes, scope: scope))
        return outputIDs
    }

    // MARK: ModuleCallObserver

    public func enter(_ module: Module) {
        precondition(tracing, "Tracer entered \(module.typeName) outside trace(inputs:_:)")
        firstExitSinceLastEvent = nil
        let position = index.position(of: module)
        if position == nil {
            problems.append(.unregisteredModule(typeName: module.typeName, parentPath: scope?.path))
        }
        // An unregistered module's ops stay in its parent's scope (the trace fails anyway).
        let scopeIndex = position ?? stack.last?.scope
        stack.append((ObjectIdentifier(module), scopeIndex))
        scope = scopeIndex.map { scopes[$0] }
    }

    public func exit(_ module: Module) {
        precondition(tracing, "Tracer left \(module.typeName) outside trace(inputs:_:)")
        guard let top = stack.last, top.module == ObjectIdentifier(module) else {
            problems.append(.unbalancedScopes(open: openScopes))
            return
        }
        if firstExitSinceLastEvent == nil {
            firstExitSinceLastEvent = .some(index.position(of: module).map { scopes[$0] })
        }
        stack.removeLast()
        scope = stack.last?.scope.map { scopes[$0] }
    }

    public func read(_ parameter: Parameter, of module: Module) -> Tensor {
        precondition(tracing, "Tracer read a parameter of \(module.typeName) outside trace(inputs:_:)")
        firstExitSinceLastEvent = nil
        let key = ObjectIdentifier(parameter)
        var tensor = parameter.tensor
        if let id = parameterValues[key] {
            tensor.traceID = id
            return tensor
        }
        let owner: Scope?
        let name: String?
        if let entry = index.entry(of: parameter) {
            owner = scopes[entry.module]
            name = entry.name
        } else {
            let moduleScope = index.position(of: module).map { scopes[$0] }
            problems.append(.unregisteredParameter(modulePath: moduleScope?.path, moduleType: module.typeName, shape: tensor.shape))
            owner = moduleScope ?? scope
            name = nil
        }
        tensor = stampedSource(.parameter, tensor, name: name, scope: owner)
        parameterValues[key] = tensor.traceID
        return tensor
    }

    // MARK: Bookkeeping

    private func begin() {
        let capacity = lastNodeCount
        tracing = true
        nodes = []
        values = []
        nodes.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
        stack = []
        scope = nil
        parameterValues = Dictionary(minimumCapacity: index.parameterCount)
        problems = []
        firstExitSinceLastEvent = nil
        constants = [:]
    }

    private func end() {
        lastNodeCount = nodes.count
        tracing = false
        nodes = []
        values = []
        stack = []
        scope = nil
        parameterValues = [:]
        problems = []
    }

    /// The scopes of the modules entered and not left, outermost first.
    private var openScopes: [Scope] {
        stack.compactMap { $0.scope.map { scopes[$0] } }
    }

    /// `tensor`'s value id if this trace produced it (a stale id from another trace, or one whose
    /// shape or dtype does not match the value it names, is not).
    @inline(__always)
    private func tracedID(_ tensor: Tensor) -> Int? {
        guard let id = tensor.traceID, id >= 0, id < values.count else { return nil }
        let value = values[id]
        return value.shape == tensor.shape && value.dtype == tensor.dtype ? id : nil
    }

    /// Appends a source node of `kind` (`input`, `parameter`, `constant`) producing one value for `tensor`
    /// and returns `tensor` stamped with that value's id.
    private func stampedSource(_ kind: Node.Kind, _ tensor: Tensor, name: String?, scope: Scope?) -> Tensor {
        let nodeIndex = nodes.count
        let id = values.count
        values.append(Value(id: id, shape: tensor.shape, dtype: tensor.dtype, producer: nodeIndex, name: name))
        nodes.append(Node(id: nodeIndex, kind: kind, inputs: [], outputs: [id], scope: scope))
        if kind == .constant { constants[id] = tensor }
        var stamped = tensor
        stamped.traceID = id
        return stamped
    }

    /// Appends the ids of the traced tensors in `output` (a tensor, an array, optional or tuple).
    private func collectOutputs(_ output: Any, into ids: inout [Int]) {
        if let tensor = output as? Tensor {
            if let id = tracedID(tensor) { ids.append(id) }
        } else if let tensors = output as? [Tensor] {
            for tensor in tensors { if let id = tracedID(tensor) { ids.append(id) } }
        } else {
            let mirror = Mirror(reflecting: output)
            guard mirror.displayStyle == .tuple || mirror.displayStyle == .optional else { return }
            for child in mirror.children { collectOutputs(child.value, into: &ids) }
        }
    }
}
