import Foundation

/// Errors reading a zip archive (`ZipArchive`); each names the file, and the entry when one is
/// at fault.
public enum ZipArchiveError: Error, LocalizedError, Equatable {
    /// The file cannot be opened or mapped.
    case unreadable(path: String, detail: String)
    /// No end of central directory record: not a zip archive.
    case notZip(path: String, detail: String)
    /// A record or an entry's data lies (partly) past the end of the file.
    case truncated(path: String, detail: String)
    /// A record is missing its signature or contradicts another record.
    case malformed(path: String, detail: String)
    /// A zip feature this reader does not implement (split archives).
    case unsupported(path: String, detail: String)
    /// The entry is compressed with a method other than stored (0) or deflate (8).
    case unsupportedCompression(path: String, entry: String, method: UInt16)
    /// The entry is encrypted.
    case encrypted(path: String, entry: String)
    /// The entry's data does not decompress to what the central directory records.
    case corruptEntry(path: String, entry: String, detail: String)
    /// The extracted bytes' CRC-32 differs from the central directory's.
    case crcMismatch(path: String, entry: String, expected: UInt32, actual: UInt32)
    /// No entry has this name.
    case entryNotFound(path: String, entry: String, found: [String])
    /// The entry declares more bytes than the caller's cap on extraction.
    case entryTooLarge(path: String, entry: String, size: UInt64, limit: UInt64)

    /// The archive the error is about.
    public var path: String {
        switch self {
        case let .unreadable(path, _), let .notZip(path, _), let .truncated(path, _), let .malformed(path, _),
             let .unsupported(path, _), let .unsupportedCompression(path, _, _), let .encrypted(path, _),
             let .corruptEntry(path, _, _), let .crcMismatch(path, _, _, _), let .entryNotFound(path, _, _),
             let .entryTooLarge(path, _, _, _):
            path
        }
    }

    /// What is wrong, without the archive's path (for wrapping in another error that names it).
    public var reason: String {
        switch self {
        case let .unreadable(_, detail):
            "cannot read the file: \(detail)"
        case let .notZip(_, detail):
            "not a zip archive: \(detail)"
        case let .truncated(_, detail):
            "truncated zip archive: \(detail)"
        case let .malformed(_, detail):
            "malformed zip archive: \(detail)"
        case let .unsupported(_, detail):
            "unsupported zip archive: \(detail)"
        case let .unsupportedCompression(_, entry, method):
            "unsupported compression method \(method)\(Self.methodName(method).map { " (\($0))" } ?? "") for entry \(entry); only stored (0) and deflate (8) can be read"
        case let .encrypted(_, entry):
            "entry \(entry) is encrypted"
        case let .corruptEntry(_, entry, detail):
            "entry \(entry) is corrupt: \(detail)"
        case let .crcMismatch(_, entry, expected, actual):
            "CRC mismatch for entry \(entry): the archive records \(Self.hex(expected)), the extracted bytes have \(Self.hex(actual))"
        case let .entryNotFound(_, entry, found):
            "no entry \(entry) (the archive holds: \(found.isEmpty ? "nothing" : found.joined(separator: ", ")))"
        case let .entryTooLarge(_, entry, size, limit):
            "entry \(entry) extracts to \(size) bytes, more than the \(limit)-byte limit for it"
        }
    }

    public var errorDescription: String? { "\(path): \(reason)" }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The common name of a zip compression method (APPNOTE 4.4.5).
    static func methodName(_ method: UInt16) -> String? {
        switch method {
        case 1: "shrunk"
        case 6: "imploded"
        case 9: "deflate64"
        case 12: "bzip2"
        case 14: "LZMA"
        case 93: "Zstandard"
        case 95: "xz"
        case 98: "PPMd"
        case 99: "AES-encrypted"
        default: nil
        }
    }
}
