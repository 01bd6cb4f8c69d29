import Foundation
import NN

/// Errors of the module-path helpers.
public enum ModulePathError: Error, LocalizedError, Equatable {
    /// `path` has no part `missing` below `parent`.
    case missingAttribute(path: String, missing: String, parent: String)

    public var errorDescription: String? {
        switch self {
        case let .missingAttribute(path, missing, parent):
            "\(path): \(parent.isEmpty ? "the model" : parent) has no submodule \"\(missing)\""
        }
    }
}

/// INC's module-path helpers, over slimtrace's module tree.
public enum ModulePaths {
    /// The module at dotted `path` below `module` (INC's `get_attributes`); an error names the
    /// first part that does not exist.
    public static func attribute(of module: Module, path: String) throws -> Module {
        var current = module
        var walked: [String] = []
        for part in path.split(separator: ".").map(String.init) {
            guard let next = current.child(part) else {
                throw ModulePathError.missingAttribute(path: path, missing: part, parent: walked.joined(separator: "."))
            }
            walked.append(part)
            current = next
        }
        return current
    }

    /// The longest common dotted prefix of two module paths, their nearest common parent
    /// (INC's `get_common_module`).
    public static func commonModule(_ first: String, _ second: String) -> String {
        let a = first.split(separator: ".", omittingEmptySubsequences: false)
        let b = second.split(separator: ".", omittingEmptySubsequences: false)
        return zip(a, b).prefix { $0 == $1 }.map { String($0.0) }.joined(separator: ".")
    }

    /// One log line per item: `key: value` for a dictionary's entries, the item itself otherwise
    /// (INC's `print_iterables`).
    public static func iterableLines<T>(_ items: [T]) -> [String] {
        items.map { "\($0)" }
    }

    /// `key: value` lines for ordered pairs (a dictionary's entries in INC's `print_iterables`).
    public static func iterableLines<V>(_ pairs: [(key: String, value: V)]) -> [String] {
        pairs.map { "\($0.key): \($0.value)" }
    }
}
