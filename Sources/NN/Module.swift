import Tensor

/// Something that wants to know when modules are entered and left and which parameters they read
/// during a forward pass: the `Tracer` implements it. It is found through the op recorder installed
/// for the task (`OpRecording.currentRecorder`), so an untraced forward pays one nil check per call.
public protocol ModuleCallObserver: AnyObject {
    /// Called before `module`'s forward body runs.
    func enter(_ module: Module)
    /// Called after `module`'s forward body returns or throws.
    func exit(_ module: Module)
    /// Called when a module reads `parameter`; returns the tensor stamped with its graph value id.
    func read(_ parameter: Parameter, of module: Module) -> Tensor
}

/// A node of the model tree, like `torch.nn.Module`: named children and parameters in the order
/// they are assigned (the order is observable: searchers and golden tests depend on it) and a
/// Hugging Face class name. Subclasses declare each child once with its key
/// (`@ModuleInfo(key: "q_proj") var qProj: Linear`, `@ParameterInfo(key: "weight")`) and assign
/// them after `super.init`, in the order the Hugging Face `__init__` does: as in
/// `nn.Module.__setattr__`, the assignment registers the child. Forward bodies run in `scoped`.
open class Module {
    /// The Hugging Face / PyTorch class name (`BertSelfAttention`, `Linear`, `Dropout`, ...).
    public let typeName: String
    /// Direct children in declaration order.
    public private(set) var children: [(name: String, module: Module)] = []
    /// Direct parameters in declaration order.
    public private(set) var parameters: [(name: String, parameter: Parameter)] = []

    public init(typeName: String) {
        self.typeName = typeName
    }

    /// Adds `module` as the child `name` and returns it (for `let dense = register("dense", Linear(...))`).
    @discardableResult
    public func register<M: Module>(_ name: String, _ module: M) -> M {
        precondition(!children.contains { $0.name == name }, "\(typeName) registers child \(name) twice")
        children.append((name, module))
        return module
    }

    /// Adds `parameter` as `name` and returns it.
    @discardableResult
    public func register(parameter name: String, _ parameter: Parameter) -> Parameter {
        precondition(!parameters.contains { $0.name == name }, "\(typeName) registers parameter \(name) twice")
        parameters.append((name, parameter))
        return parameter
    }

    /// The child called `name`, if any.
    public func child(_ name: String) -> Module? {
        children.first { $0.name == name }?.module
    }

    /// Every module of the tree in pre-order with its dotted path (the root is `""`), PyTorch's
    /// `named_modules()`.
    public func namedModules() -> [(path: String, module: Module)] {
        var result: [(String, Module)] = []
        func visit(_ module: Module, _ path: String) {
            result.append((path, module))
            for (name, child) in module.children { visit(child, path.isEmpty ? name : path + "." + name) }
        }
        visit(self, "")
        return result
    }

    /// Every parameter of the tree with its dotted name (`bert.encoder.layer.0.output.dense.weight`),
    /// module by module in pre-order, PyTorch's `named_parameters()` order.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        namedModules().flatMap { path, module in
            module.parameters.map { (path.isEmpty ? $0.name : path + "." + $0.name, $0.parameter) }
        }
    }

    /// Every distinct parameter once, in `namedParameters()` order, with all the dotted names it
    /// has (a parameter shared by two modules, such as tied embeddings, has two).
    public func uniqueParameters() -> [(names: [String], parameter: Parameter)] {
        var position: [ObjectIdentifier: Int] = [:]
        var result: [(names: [String], parameter: Parameter)] = []
        for (name, parameter) in namedParameters() {
            if let index = position[ObjectIdentifier(parameter)] {
                result[index].names.append(name)
            } else {
                position[ObjectIdentifier(parameter)] = result.count
                result.append(([name], parameter))
            }
        }
        return result
    }

    /// Runs a forward body inside this module's scope so a tracer records which module each op
    /// ran in. Balanced by construction: the scope is left however `body` ends.
    public func scoped<R>(_ body: () throws -> R) rethrows -> R {
        guard let observer = OpRecording.currentRecorder as? ModuleCallObserver else { return try body() }
        observer.enter(self)
        defer { observer.exit(self) }
        return try body()
    }

    /// The current value of `parameter` for use in a forward pass (stamped for the graph when traced).
    public func value(_ parameter: Parameter) -> Tensor {
        guard let observer = OpRecording.currentRecorder as? ModuleCallObserver else { return parameter.tensor }
        return observer.read(parameter, of: self)
    }

    /// `value(parameter)` for an optional parameter (a bias that may be absent).
    public func value(_ parameter: Parameter?) -> Tensor? {
        parameter.map { value($0) }
    }
}
