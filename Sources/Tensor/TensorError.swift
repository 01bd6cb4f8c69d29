import Foundation

/// Errors thrown by tensor operations.
public enum TensorError: Error, LocalizedError, Equatable {
    /// The operation `op` cannot combine these shapes; `detail` says which dimensions disagree.
    case shapeMismatch(op: String, detail: String)
    /// The operation `op` does not take `dtype` for the named argument.
    case unsupportedDType(op: String, argument: String, dtype: DType)
    /// An argument is out of its valid range (a dimension, an index, a size).
    case invalidArgument(op: String, detail: String)
    /// A meta tensor (shape only) was asked for its data.
    case metaTensorHasNoData(op: String)

    public var errorDescription: String? {
        switch self {
        case let .shapeMismatch(op, detail): "\(op): shape mismatch: \(detail)"
        case let .unsupportedDType(op, argument, dtype): "\(op): \(argument) has unsupported dtype \(dtype.rawValue)"
        case let .invalidArgument(op, detail): "\(op): \(detail)"
        case let .metaTensorHasNoData(op): "\(op): a meta tensor has a shape but no data"
        }
    }
}
