import Foundation
import Tensor

/// Why `Tracer.trace` produced no graph.
public enum TracerError: LocalizedError {
    /// The forward body threw. `scope` is the innermost module that was active when it threw (the
    /// first module left after the last op, parameter read or module entry), nil when it threw
    /// outside every module.
    case forwardFailed(scope: Scope?, underlying: any Error)
    /// Two model inputs have the same name.
    case duplicateInputName(String)
    /// A module that is not in the model's tree (not declared with `@ModuleInfo`) ran under the
    /// trace; its ops were attributed to `parentPath`.
    case unregisteredModule(typeName: String, parentPath: String?)
    /// A module read a parameter it never registered.
    case unregisteredParameter(modulePath: String?, moduleType: String, shape: [Int])
    /// Module entries and exits did not pair up: `open` are the modules still entered when the
    /// forward returned (outermost first), or, when one was left out of order, the stack at that point.
    case unbalancedScopes(open: [Scope])
    /// `trace` was called while the same tracer was already tracing.
    case alreadyTracing

    public var errorDescription: String? {
        switch self {
        case let .forwardFailed(scope, underlying):
            let reason = (underlying as? LocalizedError)?.errorDescription ?? String(describing: underlying)
            guard let scope else { return "forward failed outside every module: \(reason)" }
            return "forward failed in \(scope.displayPath) (\(scope.typeName)): \(reason)"
        case let .duplicateInputName(name):
            return "model input \"\(name)\" is given twice; input names must be unique"
        case let .unregisteredModule(typeName, parentPath):
            let parent = parentPath.map { Scope(path: $0, typeName: "").displayPath } ?? "outside every module"
            return "a \(typeName) module ran inside \(parent) but is not in the model tree (declare it in its parent with @ModuleInfo(key:) and assign it in the parent's init)"
        case let .unregisteredParameter(modulePath, moduleType, shape):
            let owner = modulePath.map { Scope(path: $0, typeName: moduleType).displayPath } ?? "an unregistered module"
            return "\(moduleType) at \(owner) read a parameter of shape \(Shape.describe(shape)) it never registered (declare it with @ParameterInfo(key:) and assign it in the module's init)"
        case let .unbalancedScopes(open):
            let stack = open.map { "\($0.displayPath) (\($0.typeName))" }.joined(separator: " > ")
            return "module entries and exits do not pair up; open modules: \(stack.isEmpty ? "none" : stack)"
        case .alreadyTracing:
            return "this tracer is already tracing a forward pass; use one tracer per concurrent trace"
        }
    }

    /// The error the forward body threw, for `.forwardFailed`; nil otherwise.
    public var underlyingError: (any Error)? {
        if case let .forwardFailed(_, underlying) = self { return underlying }
        return nil
    }
}
