/// A module tree indexed once, for the tracer and the profiler: every distinct module with its
/// dotted path in PyTorch's `named_modules()` order, and every distinct parameter with its dotted
/// name and owning module (`named_parameters()`). A module or parameter reachable by two paths
/// (tied embeddings) is listed once, under the first.
public struct ModuleIndex {
    /// Every distinct module, pre-order, with its dotted path (the root is `""`).
    public let modules: [(path: String, module: Module)]
    /// Module instance → position in `modules`.
    private let positions: [ObjectIdentifier: Int]
    /// Parameter instance → dotted name and position in `modules` of the owning module.
    private let parameters: [ObjectIdentifier: (name: String, module: Int)]

    /// Indexes the tree under `root`.
    public init(_ root: Module) {
        var modules: [(path: String, module: Module)] = []
        var positions: [ObjectIdentifier: Int] = [:]
        var parameters: [ObjectIdentifier: (name: String, module: Int)] = [:]
        for (path, module) in root.namedModules() where positions[ObjectIdentifier(module)] == nil {
            let position = modules.count
            positions[ObjectIdentifier(module)] = position
            modules.append((path, module))
            for (name, parameter) in module.parameters where parameters[ObjectIdentifier(parameter)] == nil {
                parameters[ObjectIdentifier(parameter)] = (path.isEmpty ? name : path + "." + name, position)
            }
        }
        self.modules = modules
        self.positions = positions
        self.parameters = parameters
    }

    /// The position of `module` in `modules`, or nil when it is not in the tree.
    public func position(of module: Module) -> Int? {
        positions[ObjectIdentifier(module)]
    }

    /// The dotted name of `parameter` and the position of its owning module, or nil when no
    /// module of the tree registers it.
    public func entry(of parameter: Parameter) -> (name: String, module: Int)? {
        parameters[ObjectIdentifier(parameter)]
    }

    /// How many distinct parameters the tree has.
    public var parameterCount: Int { parameters.count }
}
