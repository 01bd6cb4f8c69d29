import Foundation
import Tensor

/// An opened `.safetensors` file: the header validated, the data memory-mapped.
///
/// Tensors are read without copying: each borrows its window of the mapping, which stays alive
/// as long as any tensor does (the file object itself may go first). A tensor whose bytes are not
/// aligned to its element size (the format does not promise alignment) is copied instead.
public final class SafetensorsFile: Sendable {
    /// The file.
    public let url: URL
    /// The header's `__metadata__` map (empty when the file has none).
    public let metadata: [String: String]
    /// The tensors, ordered by where their bytes begin in the file.
    public let entries: [SafetensorsEntry]
    private let entryIndex: [String: Int]
    private let dataStart: Int
    private let mapping: MappedFile

    /// Drops this process's resident pages of the mapped data (`MappedFile.releaseResidentPages`).
    public func releaseResidentPages() {
        mapping.releaseResidentPages()
    }

    /// Maps the file at `url` and validates its header, or throws `FormatError.io` (the file
    /// cannot be read) or `FormatError.invalidSafetensors` (naming the file, and the tensor at fault).
    public init(url: URL) throws {
        self.url = url
        mapping = try MappedFile(url: url)
        let bytes = mapping.bytes
        let headerByteCount = try SafetensorsHeader.headerByteCount(prefix: bytes, fileSize: bytes.count, file: url.path)
        let dataStart = SafetensorsHeader.lengthPrefixByteCount + headerByteCount
        let json = Data(UnsafeRawBufferPointer(rebasing: bytes[SafetensorsHeader.lengthPrefixByteCount..<dataStart]))
        let header = try SafetensorsHeader(json: json, dataByteCount: bytes.count - dataStart, file: url.path)
        entries = header.entries
        metadata = header.metadata
        self.dataStart = dataStart
        entryIndex = Dictionary(uniqueKeysWithValues: header.entries.enumerated().map { ($1.name, $0) })
    }

    /// Reads and validates only the header of the file at `url` (the length prefix and the JSON,
    /// nothing of the data section), checking offsets against the file's size; for analysing
    /// checkpoints by shape alone, however large. Returns the tensors in file order.
    public static func readHeader(url: URL) throws -> [SafetensorsEntry] {
        let path = url.path
        let (descriptor, fileSize) = try MappedFile.openRegularFile(url)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            let prefix = try handle.read(upToCount: SafetensorsHeader.lengthPrefixByteCount) ?? Data()
            let headerByteCount = try SafetensorsHeader.headerByteCount(prefix: prefix, fileSize: fileSize, file: path)
            let json = try handle.read(upToCount: headerByteCount) ?? Data()
            guard json.count == headerByteCount else {
                throw FormatError.io(file: path, detail: "read \(json.count) of the header's \(headerByteCount) bytes; the file changed while being read")
            }
            let dataByteCount = fileSize - SafetensorsHeader.lengthPrefixByteCount - headerByteCount
            return try SafetensorsHeader(json: json, dataByteCount: dataByteCount, file: path).entries
        } catch let error as FormatError {
            throw error
        } catch {
            throw FormatError.io(file: path, detail: "cannot read the header: \(error.localizedDescription)")
        }
    }

    /// The tensor names, ordered by where their bytes begin in the file.
    public var names: [String] { entries.map(\.name) }

    /// What the header says about the tensor `name`, or nil when the file has no such tensor.
    public func entry(named name: String) -> SafetensorsEntry? {
        entryIndex[name].map { entries[$0] }
    }

    /// The tensor `name`, contiguous, in its stored dtype (F64 converted to f32). It borrows the
    /// mapped bytes (read-only, zero copy) when they are aligned to the element size, and owns a
    /// copy otherwise. A dtype the runtime cannot compute with (`SafetensorsDType.runtimeType` nil)
    /// is an error naming the file, the tensor and the dtype.
    public func tensor(named name: String) throws -> Tensor {
        guard let entry = entry(named: name) else {
            throw TensorError.invalidArgument(op: "SafetensorsFile.tensor(named:)", detail: "\(url.path) has no tensor named \"\(name)\"")
        }
        guard let type = entry.dtype.runtimeType else {
            let readable = SafetensorsDType.allCases.filter { $0.runtimeType != nil }.map(\.rawValue).joined(separator: ", ")
            throw TensorError.invalidArgument(op: "SafetensorsFile.tensor(named:)",
                                              detail: "\(url.path): tensor \"\(name)\" has dtype \(entry.dtype.rawValue), which slimtrace cannot compute with (it reads \(readable))")
        }
        let start = mapping.bytes.baseAddress! + dataStart + entry.byteRange.lowerBound
        let byteCount = entry.byteRange.count
        if entry.dtype == .f64 {
            let values = (0..<(byteCount / 8)).map { Float(UnsafeRawPointer(start).loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
            return try Tensor(values, shape: entry.shape)
        }
        let storage: TensorStorage
        if Int(bitPattern: start) % type.byteSize == 0 {
            storage = TensorStorage(borrowing: start, byteCount: byteCount, owner: mapping)
        } else {
            storage = TensorStorage(uninitializedByteCount: byteCount)
            storage.base.copyMemory(from: start, byteCount: byteCount)
        }
        return Tensor(shape: entry.shape, dtype: type, storage: storage)
    }
}
