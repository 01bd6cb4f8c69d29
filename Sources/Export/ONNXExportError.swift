import Foundation
import Tensor

/// Why a model cannot be exported to ONNX, or why its export failed the re-run check; each
/// message names the op, the module or the file at fault (torch.onnx's `UnsupportedOperatorError`
/// and `SymbolicValueError` play this part).
public enum ONNXExportError: Error, LocalizedError, Equatable {
    /// A tensor created inside the forward pass depends on the input's size in a way the exporter
    /// cannot express (neither one repeated value nor positions `0..<n`).
    case unsupportedConstant(module: String, shape: [Int])
    /// A parameter the trace read is not among the model's named parameters.
    case unnamedParameter(module: String, shape: [Int])
    /// A size the trace recorded changes with the batch or sequence length in a way that is not
    /// `c + b·B + s·S + p·B·S` with integers.
    case unsupportedDynamicSize(op: String, module: String, attribute: String, values: [Int])
    /// An op was recorded without an attribute its ONNX form needs.
    case missingAttribute(op: String, module: String, attribute: String)
    /// The forward pass records different ops at another batch size or length, so one graph cannot
    /// serve every size.
    case shapeDependentGraph(module: String, detail: String)
    /// The exported graph, re-run in process, does not give the traced outputs.
    case checkFailed(detail: String)
    /// The in-process ONNX runner met a node it cannot run.
    case interpreter(node: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case let .unsupportedConstant(module, shape):
            "ONNX export: a tensor \(Shape.describe(shape)) created in module \(module) depends on the input size and is neither one repeated value nor positions 0..<n"
        case let .unnamedParameter(module, shape):
            "ONNX export: a parameter \(Shape.describe(shape)) of module \(module) is not among the model's named parameters"
        case let .unsupportedDynamicSize(op, module, attribute, values):
            "ONNX export: \(attribute) of op \(op) in module \(module) takes the values \(values) at the traced sizes, which no integer c + b·batch + s·length + p·batch·length gives"
        case let .missingAttribute(op, module, attribute):
            "ONNX export: op \(op) in module \(module) was recorded without its \(attribute) attribute"
        case let .shapeDependentGraph(module, detail):
            "ONNX export: the forward pass in module \(module) records a different graph at another input size (\(detail)); export with static axes"
        case let .checkFailed(detail):
            "ONNX export check failed: \(detail)"
        case let .interpreter(node, detail):
            "ONNX re-run: node \(node): \(detail)"
        }
    }
}
