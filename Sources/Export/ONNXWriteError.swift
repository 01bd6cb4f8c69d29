import Foundation

/// Why an export cannot be written.
public enum ONNXWriteError: Error, LocalizedError, Equatable {
    /// The output exists and replacing it was not asked for.
    case exists(path: String)
    /// The external data file could not be opened for writing.
    case cannotWrite(path: String)

    public var errorDescription: String? {
        switch self {
        case let .exists(path): "\(path) exists (use --force to replace it)"
        case let .cannotWrite(path): "cannot write \(path)"
        }
    }
}
