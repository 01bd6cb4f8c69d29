import Foundation

/// Why a slim did not happen; each names the checkpoint, folder, module or tensor at fault.
/// Whenever one is thrown, nothing was written and an in-memory model was left as it was.
public enum SlimError: Error, LocalizedError, Equatable {
    /// An option is out of range (`round` below 1, a negative tolerance).
    case invalidOption(name: String, detail: String)
    /// A finding names a module that is not a `Linear` or `Conv1D`, or is missing.
    case unsupportedModule(path: String, detail: String)
    /// A weight cannot be read or cut (meta, wrong rank).
    case unsupportedTensor(detail: String)
    /// The slimmed model's outputs differ from the original's by more than the tolerance.
    case verificationFailed(maxAbsDiff: Float, tolerance: Float, detail: String)
    /// Writing the new checkpoint failed.
    case writeFailed(path: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case let .invalidOption(name, detail): "slim option \(name): \(detail)"
        case let .unsupportedModule(path, detail): "module \(path): \(detail)"
        case let .unsupportedTensor(detail): "cannot slim: \(detail)"
        case let .verificationFailed(maxAbsDiff, tolerance, detail):
            "the slimmed model's outputs differ from the original's by \(maxAbsDiff) (allowed: \(tolerance)) \(detail); the slim was undone and nothing was written"
        case let .writeFailed(path, detail): "\(path): \(detail)"
        }
    }
}
