/// A module a graph node ran in: its dotted path from the root (`bert.encoder.layer.0.output.dense`;
/// the root module is `""`) and its class name (`Linear`). The tracer builds one `Scope` per module
/// before tracing, so recording a node's scope copies this small value and builds no strings.
public struct Scope: Sendable, Codable, Hashable {
    /// Dotted module path, PyTorch's `named_modules()` name (`""` for the root).
    public var path: String
    /// The module's class name (`Module.typeName`).
    public var typeName: String

    public init(path: String, typeName: String) {
        self.path = path
        self.typeName = typeName
    }

    /// True for the root module's scope (path `""`).
    public var isRoot: Bool { path.isEmpty }

    /// The path as printed in IR text and pictures: `<root>` for the root module.
    public var displayPath: String { path.isEmpty ? "<root>" : path }

    /// True when `self` is `other` or one of its submodules (`a.b.c` is within `a.b`; every scope
    /// is within the root).
    public func isWithin(_ other: Scope) -> Bool { Scope.path(path, isWithin: other.path) }

    /// True when the dotted path `path` is `ancestor` or lies below it.
    public static func path(_ path: String, isWithin ancestor: String) -> Bool {
        if ancestor.isEmpty || path == ancestor { return true }
        return path.hasPrefix(ancestor) && path.utf8.dropFirst(ancestor.utf8.count).first == UInt8(ascii: ".")
    }
}
