import NN

extension ModuleIndex {
    /// One `Scope` per indexed module, in `modules` order.
    public var scopes: [Scope] {
        modules.map { Scope(path: $0.path, typeName: $0.module.typeName) }
    }
}
