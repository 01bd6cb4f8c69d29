import Foundation

/// Failures of the command line itself (writing its output, running a batch), each naming the
/// file or the batch.
public enum CLIError: Error, LocalizedError, Equatable {
    /// The output file could not be written.
    case cannotWrite(path: String, detail: String)
    /// A batch failed to run; `batch` names the inputs file and line.
    case batchFailed(batch: String, detail: String)
    /// An argument's value is unusable (named in `detail`).
    case invalidArgument(String)

    public var errorDescription: String? {
        switch self {
        case let .cannotWrite(path, detail): "\(path): cannot write the output: \(detail)"
        case let .batchFailed(batch, detail): "\(batch): \(detail)"
        case let .invalidArgument(detail): detail
        }
    }
}
