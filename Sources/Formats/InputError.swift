import Foundation

/// Errors in what the user asked to feed the model: a malformed `--shape`, an unknown `--dtype`,
/// an unreadable inputs file, a batch the model does not take. Each names the argument or file.
public enum InputError: Error, LocalizedError, Equatable {
    case malformedShape(String, detail: String)
    case unknownDType(String)
    case tooLarge(shape: [Int], bytes: Double, available: Double)
    case unreadableFile(path: String, detail: String)
    /// A batch of an inputs file that the model does not take; `location` is `line N` for JSON Lines.
    case rejectedBatch(path: String, location: String?, detail: String)

    public var errorDescription: String? {
        switch self {
        case let .malformedShape(text, detail): "--shape \"\(text)\": \(detail)"
        case let .unknownDType(text): "--dtype \"\(text)\": unknown dtype (use float32, float16, bfloat16, int64, int32 or bool)"
        case let .tooLarge(shape, bytes, available):
            "--shape \(shape.map(String.init).joined(separator: ",")) would need about \(Self.gigabytes(bytes)) for the input and one attention score matrix; this machine has \(Self.gigabytes(available))"
        case let .unreadableFile(path, detail): "\(path): \(detail)"
        case let .rejectedBatch(path, location, detail): "\(path): \(location.map { "\($0): " } ?? "")\(detail)"
        }
    }

    private static func gigabytes(_ bytes: Double) -> String {
        String(format: "%.1f GiB", bytes / 1_073_741_824)
    }
}
