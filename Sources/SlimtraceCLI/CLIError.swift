import Foundation

/// Failures of the command line itself (writing its output, running a batch), each naming the
/// file or the batch.
public enum CLIError: Error, LocalizedError, Equatable {
    /// The output file could not be written.
    case cannotWrite(path: String, detail: String)
    /// An input file could not be read.
    case cannotRead(path: String, detail: String)
    /// A batch failed to run; `batch` names the inputs file and line.
    case batchFailed(batch: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case let .cannotWrite(path, detail): "\(path): cannot write the output: \(detail)"
        case let .cannotRead(path, detail): "\(path): cannot read: \(detail)"
        case let .batchFailed(batch, detail): "\(batch): \(detail)"
        }
    }

    /// Runs `body` on a batch; when it fails and the batch came from an inputs file (`source`
    /// names the file and line; nil for a placeholder), the error names the batch before what failed.
    static func naming<Result>(batch source: String?, _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch {
            guard let source else { throw error }
            throw CLIError.batchFailed(batch: source, detail: Slimtrace.describe(error))
        }
    }
}
