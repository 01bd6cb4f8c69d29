import Foundation

/// Errors reading or writing a file: a malformed safetensors file, or a file that cannot be
/// opened, mapped or written. Each names the file.
public enum FormatError: Error, LocalizedError, Equatable {
    /// A safetensors file is malformed; `file` names it and `detail` says what is wrong (and which tensor).
    case invalidSafetensors(file: String, detail: String)
    /// A file could not be opened, mapped or written.
    case io(file: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case let .invalidSafetensors(file, detail): "\(file): not a valid safetensors file: \(detail)"
        case let .io(file, detail): "\(file): \(detail)"
        }
    }
}
