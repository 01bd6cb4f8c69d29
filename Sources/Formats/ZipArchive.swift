import CZlib
import Foundation

/// A zip archive, read-only: the central directory is parsed when the archive is opened, and an
/// entry's bytes are extracted on request (stored entries copied, deflated ones inflated with
/// zlib), each checked against the CRC-32 the central directory records.
///
/// A file is mapped into memory (`MappedFile`), so opening an archive with a large entry (a
/// `.keras` file's weights) reads only the pages that the directory and the requested entries
/// occupy. ZIP64 archives (more than 65,535 entries, entries or offsets past 4 GiB) are read.
/// Not supported, each with a `ZipArchiveError` naming the file and the entry: split (multi-disk)
/// archives, encrypted entries, compression methods other than stored (0) and deflate (8).
///
/// Every offset and size read from the file is checked against the file's bounds before it is
/// used, so a corrupt or truncated file gives an error, never an out-of-bounds read. Extraction
/// takes a cap on the entry's size (`limit`): an entry that declares more is refused before
/// anything is allocated, and inflation stops at the declared size, so an entry whose headers
/// under-declare it (a zip bomb) never produces more than the cap either.
public struct ZipArchive: Sendable {
    /// One file or folder in the central directory.
    public struct Entry: Sendable, Equatable, Hashable {
        /// The entry's path in the archive (`config.json`, `docs/`, ...).
        public let name: String
        /// The compression method: 0 stored, 8 deflate (the two this reader extracts).
        public let method: UInt16
        /// The general-purpose flags (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8 name).
        public let flags: UInt16
        /// CRC-32 of the uncompressed bytes.
        public let crc32: UInt32
        /// Bytes stored in the archive.
        public let compressedSize: UInt64
        /// Bytes once extracted.
        public let uncompressedSize: UInt64
        /// Where the entry's local header starts.
        public let localHeaderOffset: UInt64
        /// Whether any of the sizes or the offset came from a ZIP64 extra field.
        public let isZip64: Bool

        /// A folder entry (its name ends with `/`).
        public var isDirectory: Bool { name.hasSuffix("/") }
        /// Whether the entry is encrypted (flag bit 0); encrypted entries cannot be extracted.
        public var isEncrypted: Bool { flags & 1 != 0 }

        public init(name: String, method: UInt16, flags: UInt16, crc32: UInt32, compressedSize: UInt64,
                    uncompressedSize: UInt64, localHeaderOffset: UInt64, isZip64: Bool) {
            self.name = name
            self.method = method
            self.flags = flags
            self.crc32 = crc32
            self.compressedSize = compressedSize
            self.uncompressedSize = uncompressedSize
            self.localHeaderOffset = localHeaderOffset
            self.isZip64 = isZip64
        }
    }

    /// The archive's path (or the name given to `init(data:path:)`), used in every error.
    public let path: String
    /// The entries, in central-directory order.
    public let entries: [Entry]
    /// The archive comment (UTF-8; invalid bytes replaced).
    public let comment: String
    /// Whether the archive has a ZIP64 end of central directory record.
    public let isZip64: Bool

    private let storage: Storage

    /// Opens the zip file at `url` and reads its central directory.
    public init(url: URL) throws {
        let path = url.path
        let file: MappedFile
        do {
            file = try MappedFile(url: url)
        } catch let error as FormatError {
            throw ZipArchiveError.unreadable(path: path, detail: Self.ioDetail(error))
        }
        try self.init(storage: .mapped(file), path: path)
    }

    /// Reads a zip archive held in memory; `path` names it in errors.
    public init(data: Data, path: String) throws {
        try self.init(storage: .data(data), path: path)
    }

    private init(storage: Storage, path: String) throws {
        let directory = try storage.withBytes { bytes in
            try CentralDirectory(ZipBytes(bytes: bytes, path: path))
        }
        self.path = path
        self.storage = storage
        entries = directory.entries
        comment = directory.comment
        isZip64 = directory.isZip64
    }

    /// The first entry called `name`, or nil.
    public func entry(_ name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// The largest entry extracted when the caller names no cap (64 MiB).
    public static let defaultEntryByteLimit: UInt64 = 64 << 20

    /// The extracted bytes of the entry called `name`, at most `limit` bytes.
    public func contents(of name: String, limit: UInt64 = defaultEntryByteLimit) throws -> Data {
        guard let entry = entry(name) else {
            throw ZipArchiveError.entryNotFound(path: path, entry: name, found: entries.map(\.name))
        }
        return try contents(of: entry, limit: limit)
    }

    /// The extracted bytes of `entry` (one of `entries`), checked against its size and CRC-32; an
    /// entry that declares more than `limit` bytes is an `entryTooLarge` error.
    public func contents(of entry: Entry, limit: UInt64 = defaultEntryByteLimit) throws -> Data {
        guard entry.uncompressedSize <= limit else {
            throw ZipArchiveError.entryTooLarge(path: path, entry: entry.name, size: entry.uncompressedSize, limit: limit)
        }
        return try storage.withBytes { bytes in
            try Self.extract(entry, from: ZipBytes(bytes: bytes, path: path))
        }
    }

    // MARK: - Extraction

    private static func extract(_ entry: Entry, from bytes: ZipBytes) throws -> Data {
        let path = bytes.path
        guard !entry.isEncrypted else {
            throw ZipArchiveError.encrypted(path: path, entry: entry.name)
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw ZipArchiveError.unsupportedCompression(path: path, entry: entry.name, method: entry.method)
        }
        let data = try bytes.entryData(entry)
        let contents: Data
        if entry.method == 0 {
            guard entry.compressedSize == entry.uncompressedSize else {
                throw ZipArchiveError.corruptEntry(
                    path: path, entry: entry.name,
                    detail: "stored entry has \(entry.compressedSize) bytes in the archive but \(entry.uncompressedSize) uncompressed")
            }
            contents = Data(data)
        } else {
            contents = try inflate(data, entry: entry, path: path)
        }
        let crc = crc32(of: contents)
        guard crc == entry.crc32 else {
            throw ZipArchiveError.crcMismatch(path: path, entry: entry.name, expected: entry.crc32, actual: crc)
        }
        return contents
    }

    /// Raw-deflate decompression (no zlib or gzip header: window bits -15) of `input` into
    /// exactly `entry.uncompressedSize` bytes: the output buffer has that size, and a stream that
    /// would write past it is an error, whatever the headers declared.
    private static func inflate(_ input: UnsafeRawBufferPointer, entry: Entry, path: String) throws -> Data {
        func corrupt(_ detail: String) -> ZipArchiveError {
            .corruptEntry(path: path, entry: entry.name, detail: detail)
        }
        // Deflate cannot expand data more than 1032:1, so a larger claim is corrupt; checking it
        // first keeps a forged size from allocating gigabytes.
        let (bound, overflow) = entry.compressedSize.multipliedReportingOverflow(by: 1032)
        guard overflow || entry.uncompressedSize <= bound + 1024,
              let outputCount = Int(exactly: entry.uncompressedSize) else {
            throw corrupt("claims \(entry.uncompressedSize) uncompressed bytes from \(entry.compressedSize) deflated bytes, more than deflate can produce")
        }
        // One spare byte: zlib needs a non-null output pointer even for an empty entry.
        var output = Data(count: outputCount + 1)
        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw corrupt("zlib's inflateInit2 failed with status \(initStatus)")
        }
        defer { inflateEnd(&stream) }

        let produced: Int = try output.withUnsafeMutableBytes { outputBytes in
            let outputBase = outputBytes.baseAddress!.assumingMemoryBound(to: Bytef.self)
            // zlib counts in 32-bit `uInt`s: larger buffers go in chunks.
            let chunk = Int(UInt32.max)
            var inputOffset = 0
            var outputOffset = 0
            stream.next_out = outputBase
            while true {
                if stream.avail_in == 0, inputOffset < input.count, let inputBase = input.baseAddress {
                    let count = Swift.min(chunk, input.count - inputOffset)
                    stream.next_in = (inputBase + inputOffset).assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(count)
                    inputOffset += count
                }
                if stream.avail_out == 0, outputOffset < outputCount {
                    let count = Swift.min(chunk, outputCount - outputOffset)
                    stream.next_out = outputBase + outputOffset
                    stream.avail_out = uInt(count)
                    outputOffset += count
                }
                // Z_OK means progress was made, so this loop ends.
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                switch status {
                case Z_STREAM_END:
                    return Int(stream.total_out)
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: the input or the declared output ran out.
                    if stream.avail_in == 0 && inputOffset == input.count {
                        throw corrupt("the deflate stream ends early (truncated or damaged data)")
                    }
                    throw corrupt("inflates to more than the \(entry.uncompressedSize) bytes the central directory records")
                case Z_NEED_DICT:
                    throw corrupt("the deflate stream asks for a preset dictionary")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    throw corrupt("invalid deflate data (zlib: \(message))")
                }
            }
        }
        guard produced == outputCount else {
            throw corrupt("inflates to \(produced) bytes, but the central directory records \(entry.uncompressedSize)")
        }
        output.removeLast()
        return output
    }

    /// zlib's CRC-32 of `data`.
    static func crc32(of data: Data) -> UInt32 {
        data.withUnsafeBytes { bytes in
            guard var pointer = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return 0 }
            var remaining = bytes.count
            var crc = CZlib.crc32(0, nil, 0)
            while remaining > 0 {
                let count = Swift.min(remaining, Int(UInt32.max))
                crc = CZlib.crc32(crc, pointer, uInt(count))
                pointer += count
                remaining -= count
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }

    /// The reason in a `MappedFile` error, without the path the zip error names already.
    private static func ioDetail(_ error: FormatError) -> String {
        if case let .io(_, detail) = error { return detail }
        return error.localizedDescription
    }

    /// The archive's bytes: a mapped file or a buffer.
    private enum Storage: Sendable {
        case mapped(MappedFile)
        case data(Data)

        func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
            switch self {
            case let .mapped(file): try body(file.bytes)
            case let .data(data): try data.withUnsafeBytes(body)
            }
        }
    }
}

// MARK: - Reading the records

/// The archive's bytes with bounds-checked little-endian reads; every failed check is a
/// `ZipArchiveError.truncated` naming the structure that did not fit.
private struct ZipBytes {
    let bytes: UnsafeRawBufferPointer
    let path: String

    var count: Int { bytes.count }

    /// The range `offset ..< offset + length`, if it lies inside the file.
    func range(_ offset: UInt64, _ length: UInt64) -> Range<Int>? {
        guard offset <= UInt64(count), length <= UInt64(count) - offset else { return nil }
        return Int(offset) ..< Int(offset + length)
    }

    /// Checks that `length` bytes at `offset` are inside the file; `what` names them in the error.
    @discardableResult
    func require(_ offset: UInt64, _ length: UInt64, _ what: @autoclosure () -> String) throws -> Range<Int> {
        guard let range = range(offset, length) else {
            throw ZipArchiveError.truncated(
                path: path,
                detail: "\(what()) (\(length) bytes at offset \(offset)) runs past the end of the file (\(count) bytes)")
        }
        return range
    }

    /// Little-endian integer at `offset`; the caller has checked the bounds.
    func read<T: FixedWidthInteger>(_ offset: Int, as type: T.Type = T.self) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count)
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[range])
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: slice(range), as: UTF8.self)
    }

    /// The stored bytes of `entry`, after its local header.
    func entryData(_ entry: ZipArchive.Entry) throws -> UnsafeRawBufferPointer {
        let name = "the local header of \(entry.name)"
        let header = try require(entry.localHeaderOffset, 30, name)
        guard read(header.lowerBound, as: UInt32.self) == ZipSignature.localHeader else {
            throw ZipArchiveError.malformed(
                path: path,
                detail: "no local header signature at offset \(entry.localHeaderOffset), where the central directory puts \(entry.name)")
        }
        // The local header's name and extra lengths may differ from the central directory's;
        // its sizes may be zero (data descriptor), so the central directory's sizes are used.
        let nameLength = UInt64(read(header.lowerBound + 26, as: UInt16.self))
        let extraLength = UInt64(read(header.lowerBound + 28, as: UInt16.self))
        let dataOffset = entry.localHeaderOffset + 30 + nameLength + extraLength
        let range = try require(dataOffset, entry.compressedSize, "the data of \(entry.name)")
        return slice(range)
    }
}

private enum ZipSignature {
    static let localHeader: UInt32 = 0x0403_4B50
    static let centralHeader: UInt32 = 0x0201_4B50
    static let endOfCentralDirectory: UInt32 = 0x0605_4B50
    static let zip64EndOfCentralDirectory: UInt32 = 0x0606_4B50
    static let zip64Locator: UInt32 = 0x0706_4B50
}

/// The end of central directory record(s) and the central directory they point to.
private struct CentralDirectory {
    var entries: [ZipArchive.Entry] = []
    var comment = ""
    var isZip64 = false

    static let endRecordSize = 22
    static let maxCommentLength = Int(UInt16.max)

    init(_ bytes: ZipBytes) throws {
        let path = bytes.path
        let end = try Self.findEndRecord(bytes)
        let commentLength = Int(bytes.read(end + 20, as: UInt16.self))
        comment = bytes.string(end + Self.endRecordSize ..< Swift.min(bytes.count, end + Self.endRecordSize + commentLength))

        let disk = bytes.read(end + 4, as: UInt16.self)
        let directoryDisk = bytes.read(end + 6, as: UInt16.self)
        var entryCount = UInt64(bytes.read(end + 10, as: UInt16.self))
        var directorySize = UInt64(bytes.read(end + 12, as: UInt32.self))
        var directoryOffset = UInt64(bytes.read(end + 16, as: UInt32.self))
        // The limit of the central directory: the first record after it.
        var directoryLimit = UInt64(end)

        let hasLocator = end >= 20 && bytes.read(end - 20, as: UInt32.self) == ZipSignature.zip64Locator
        if hasLocator {
            isZip64 = true
            let locator = end - 20
            let recordOffset = bytes.read(locator + 8, as: UInt64.self)
            let totalDisks = bytes.read(locator + 16, as: UInt32.self)
            guard totalDisks <= 1 else {
                throw ZipArchiveError.unsupported(path: path, detail: "a split archive (\(totalDisks) disks)")
            }
            let record = try bytes.require(recordOffset, 56, "the ZIP64 end of central directory record")
            guard bytes.read(record.lowerBound, as: UInt32.self) == ZipSignature.zip64EndOfCentralDirectory else {
                throw ZipArchiveError.malformed(
                    path: path, detail: "no ZIP64 end of central directory record at offset \(recordOffset), where its locator points")
            }
            entryCount = bytes.read(record.lowerBound + 32, as: UInt64.self)
            directorySize = bytes.read(record.lowerBound + 40, as: UInt64.self)
            directoryOffset = bytes.read(record.lowerBound + 48, as: UInt64.self)
            directoryLimit = recordOffset
        } else {
            guard disk == 0 && directoryDisk == 0 else {
                throw ZipArchiveError.unsupported(path: path, detail: "a split archive (this is disk \(disk))")
            }
            if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
                throw ZipArchiveError.malformed(
                    path: path,
                    detail: "the end of central directory record defers to a ZIP64 record, but there is no ZIP64 locator before it")
            }
        }

        let directory = try bytes.require(directoryOffset, directorySize, "the central directory")
        guard UInt64(directory.upperBound) <= directoryLimit else {
            throw ZipArchiveError.malformed(
                path: path,
                detail: "the central directory (\(directorySize) bytes at offset \(directoryOffset)) overlaps the end of central directory record at offset \(directoryLimit)")
        }
        // Each entry takes at least 46 bytes, which bounds a forged count.
        guard entryCount <= UInt64(directory.count / 46) else {
            throw ZipArchiveError.malformed(
                path: path,
                detail: "the end of central directory record counts \(entryCount) entries, more than its \(directorySize)-byte central directory can hold")
        }
        entries.reserveCapacity(Int(entryCount))
        var offset = directory.lowerBound
        for index in 0 ..< Int(entryCount) {
            let (entry, next) = try Self.readEntry(bytes, at: offset, index: index, directory: directory)
            entries.append(entry)
            offset = next
        }
    }

    /// The offset of the end of central directory record: searched backwards from the end over
    /// the longest possible comment, preferring a record whose comment ends exactly at the end of
    /// the file (a signature inside the comment is not the record).
    static func findEndRecord(_ bytes: ZipBytes) throws -> Int {
        guard bytes.count >= endRecordSize else {
            throw Self.notFound(bytes, detail: bytes.count == 0 ? "the file is empty" : "the file has only \(bytes.count) bytes, fewer than an end of central directory record")
        }
        let last = bytes.count - endRecordSize
        let first = Swift.max(0, last - maxCommentLength)
        var loose: Int?
        for offset in stride(from: last, through: first, by: -1)
        where bytes.read(offset, as: UInt32.self) == ZipSignature.endOfCentralDirectory {
            let commentLength = Int(bytes.read(offset + 20, as: UInt16.self))
            if offset + endRecordSize + commentLength == bytes.count { return offset }
            if loose == nil && offset + endRecordSize + commentLength < bytes.count { loose = offset }
        }
        // Bytes appended after the archive: accept the last record whose comment fits.
        if let loose { return loose }
        throw Self.notFound(bytes, detail: "no end of central directory record in its last \(bytes.count - first) bytes")
    }

    /// Not a zip, or (when the file starts like one) a truncated zip.
    static func notFound(_ bytes: ZipBytes, detail: String) -> ZipArchiveError {
        if bytes.count >= 4 && bytes.read(0, as: UInt32.self) == ZipSignature.localHeader {
            return .truncated(path: bytes.path, detail: "it starts with a zip local header but \(detail)")
        }
        return .notZip(path: bytes.path, detail: detail)
    }

    /// The central directory header at `offset` and the offset of the next one.
    static func readEntry(_ bytes: ZipBytes, at offset: Int, index: Int, directory: Range<Int>) throws -> (ZipArchive.Entry, Int) {
        let path = bytes.path
        guard offset + 46 <= directory.upperBound else {
            throw ZipArchiveError.malformed(path: path, detail: "central directory entry \(index) runs past the end of the central directory")
        }
        guard bytes.read(offset, as: UInt32.self) == ZipSignature.centralHeader else {
            throw ZipArchiveError.malformed(path: path, detail: "no central directory signature for entry \(index) at offset \(offset)")
        }
        let flags = bytes.read(offset + 8, as: UInt16.self)
        let method = bytes.read(offset + 10, as: UInt16.self)
        let crc = bytes.read(offset + 16, as: UInt32.self)
        var compressedSize = UInt64(bytes.read(offset + 20, as: UInt32.self))
        var uncompressedSize = UInt64(bytes.read(offset + 24, as: UInt32.self))
        let nameLength = Int(bytes.read(offset + 28, as: UInt16.self))
        let extraLength = Int(bytes.read(offset + 30, as: UInt16.self))
        let commentLength = Int(bytes.read(offset + 32, as: UInt16.self))
        let startDisk = bytes.read(offset + 34, as: UInt16.self)
        var localHeaderOffset = UInt64(bytes.read(offset + 42, as: UInt32.self))

        let nameStart = offset + 46
        let extraStart = nameStart + nameLength
        let next = extraStart + extraLength + commentLength
        guard next <= directory.upperBound else {
            throw ZipArchiveError.malformed(
                path: path, detail: "the name, extra field and comment of central directory entry \(index) run past the end of the central directory")
        }
        let name = bytes.string(nameStart ..< extraStart)

        // ZIP64 extra field (id 1): the 8-byte values of the fields saturated at 0xFFFFFFFF, in
        // this order: uncompressed size, compressed size, local header offset.
        let needsUncompressed = uncompressedSize == 0xFFFF_FFFF
        let needsCompressed = compressedSize == 0xFFFF_FFFF
        let needsOffset = localHeaderOffset == 0xFFFF_FFFF
        var isZip64 = false
        if needsUncompressed || needsCompressed || needsOffset {
            guard let field = Self.extraField(id: 1, in: bytes, extraStart ..< extraStart + extraLength) else {
                throw ZipArchiveError.malformed(
                    path: path, detail: "entry \(name) has 32-bit sizes or offset saturated at 0xFFFFFFFF but no ZIP64 extra field")
            }
            var cursor = field.lowerBound
            func next64(_ what: String) throws -> UInt64 {
                guard cursor + 8 <= field.upperBound else {
                    throw ZipArchiveError.malformed(path: path, detail: "the ZIP64 extra field of entry \(name) has no \(what)")
                }
                defer { cursor += 8 }
                return bytes.read(cursor, as: UInt64.self)
            }
            if needsUncompressed { uncompressedSize = try next64("uncompressed size") }
            if needsCompressed { compressedSize = try next64("compressed size") }
            if needsOffset { localHeaderOffset = try next64("local header offset") }
            isZip64 = true
        }
        guard startDisk == 0 || (startDisk == 0xFFFF && isZip64) else {
            throw ZipArchiveError.unsupported(path: path, detail: "a split archive (entry \(name) starts on disk \(startDisk))")
        }
        let entry = ZipArchive.Entry(
            name: name, method: method, flags: flags, crc32: crc, compressedSize: compressedSize,
            uncompressedSize: uncompressedSize, localHeaderOffset: localHeaderOffset, isZip64: isZip64)
        return (entry, next)
    }

    /// The data range of the first extra field with `id` in `extra`, if there is one that fits.
    static func extraField(id: UInt16, in bytes: ZipBytes, _ extra: Range<Int>) -> Range<Int>? {
        var offset = extra.lowerBound
        while offset + 4 <= extra.upperBound {
            let fieldID = bytes.read(offset, as: UInt16.self)
            let length = Int(bytes.read(offset + 2, as: UInt16.self))
            let data = offset + 4 ..< offset + 4 + length
            guard data.upperBound <= extra.upperBound else { return nil }
            if fieldID == id { return data }
            offset = data.upperBound
        }
        return nil
    }
}
