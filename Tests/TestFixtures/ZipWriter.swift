import Foundation

/// Writes small zip archives byte by byte for tests (no zip tool, no Python), including
/// deliberately wrong ones: each entry's stored bytes, method, CRC and sizes can be set apart
/// from its contents. The CRC-32 is computed here, independently of the zlib the reader uses.
public enum ZipWriter {
    /// One entry to write.
    public struct Entry {
        public var name: String
        /// The bytes written after the local header (the contents, for a stored entry).
        public var stored: [UInt8]
        /// The compression method recorded (0 stored, 8 deflate, anything else to test errors).
        public var method: UInt16
        /// The recorded CRC-32 (default: the CRC-32 of `stored`).
        public var crc32: UInt32
        /// The recorded uncompressed size (default: `stored.count`).
        public var uncompressedSize: UInt64
        /// General-purpose flags (bit 0: encrypted, bit 11: UTF-8 name).
        public var flags: UInt16

        public init(_ name: String, _ contents: String) {
            self.init(name, bytes: Array(contents.utf8))
        }

        public init(_ name: String, bytes: [UInt8], method: UInt16 = 0, crc32: UInt32? = nil,
                    uncompressedSize: UInt64? = nil, flags: UInt16 = 0x0800) {
            self.name = name
            stored = bytes
            self.method = method
            self.crc32 = crc32 ?? ZipWriter.crc32(bytes)
            self.uncompressedSize = uncompressedSize ?? UInt64(bytes.count)
            self.flags = flags
        }
    }

    /// An archive of `entries`. `zip64`: every entry records its sizes (and, in the central
    /// directory, its offset) in ZIP64 extra fields, the 32-bit fields saturated at 0xFFFFFFFF,
    /// and a ZIP64 end of central directory record and locator precede the classic record, as
    /// large archives have them.
    public static func archive(_ entries: [Entry], comment: String = "", zip64: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let offset = UInt64(out.count)
            let saturated: UInt32 = 0xFFFF_FFFF
            var localExtra: [UInt8] = []
            var zip64Extra: [UInt8] = []
            if zip64 {
                append(UInt16(1), to: &localExtra)
                append(UInt16(16), to: &localExtra)
                append(entry.uncompressedSize, to: &localExtra)
                append(UInt64(entry.stored.count), to: &localExtra)
                append(UInt16(1), to: &zip64Extra)
                append(UInt16(24), to: &zip64Extra)
                append(entry.uncompressedSize, to: &zip64Extra)
                append(UInt64(entry.stored.count), to: &zip64Extra)
                append(offset, to: &zip64Extra)
            }

            append(UInt32(0x0403_4B50), to: &out)
            append(UInt16(zip64 ? 45 : 20), to: &out)  // version needed
            append(entry.flags, to: &out)
            append(entry.method, to: &out)
            append(UInt16(0), to: &out)  // time
            append(UInt16(0x5821), to: &out)  // date: 2024-01-01
            append(entry.crc32, to: &out)
            append(zip64 ? saturated : UInt32(entry.stored.count), to: &out)
            append(zip64 ? saturated : UInt32(entry.uncompressedSize), to: &out)
            append(UInt16(name.count), to: &out)
            append(UInt16(localExtra.count), to: &out)
            out += name
            out += localExtra
            out += entry.stored

            append(UInt32(0x0201_4B50), to: &central)
            append(UInt16(0x031E), to: &central)  // made by: Unix, 3.0
            append(UInt16(zip64 ? 45 : 20), to: &central)
            append(entry.flags, to: &central)
            append(entry.method, to: &central)
            append(UInt16(0), to: &central)
            append(UInt16(0x5821), to: &central)
            append(entry.crc32, to: &central)
            append(zip64 ? saturated : UInt32(entry.stored.count), to: &central)
            append(zip64 ? saturated : UInt32(entry.uncompressedSize), to: &central)
            append(UInt16(name.count), to: &central)
            append(UInt16(zip64Extra.count), to: &central)
            append(UInt16(0), to: &central)  // comment length
            append(UInt16(0), to: &central)  // disk
            append(UInt16(0), to: &central)  // internal attributes
            append(UInt32(0o100644) << 16, to: &central)  // external attributes: a regular file
            append(zip64 ? saturated : UInt32(offset), to: &central)
            central += name
            central += zip64Extra
        }
        let directoryOffset = UInt64(out.count)
        out += central
        if zip64 {
            let recordOffset = UInt64(out.count)
            append(UInt32(0x0606_4B50), to: &out)
            append(UInt64(44), to: &out)  // size of the rest of the record
            append(UInt16(0x032D), to: &out)
            append(UInt16(45), to: &out)
            append(UInt32(0), to: &out)  // disk
            append(UInt32(0), to: &out)  // directory's disk
            append(UInt64(entries.count), to: &out)
            append(UInt64(entries.count), to: &out)
            append(UInt64(central.count), to: &out)
            append(directoryOffset, to: &out)
            append(UInt32(0x0706_4B50), to: &out)
            append(UInt32(0), to: &out)
            append(recordOffset, to: &out)
            append(UInt32(1), to: &out)  // total disks
        }
        let commentBytes = Array(comment.utf8)
        append(UInt32(0x0605_4B50), to: &out)
        append(UInt16(0), to: &out)
        append(UInt16(0), to: &out)
        append(zip64 ? UInt16.max : UInt16(entries.count), to: &out)
        append(zip64 ? UInt16.max : UInt16(entries.count), to: &out)
        append(zip64 ? UInt32.max : UInt32(central.count), to: &out)
        append(zip64 ? UInt32.max : UInt32(directoryOffset), to: &out)
        append(UInt16(commentBytes.count), to: &out)
        out += commentBytes
        return out
    }

    /// Writes `archive(entries, ...)` to `url`.
    public static func write(_ entries: [Entry], to url: URL, comment: String = "", zip64: Bool = false) throws {
        try Data(archive(entries, comment: comment, zip64: zip64)).write(to: url)
    }

    /// A zip file at `url` of text entries (name → contents), stored.
    public static func write(_ entries: [(String, String)], to url: URL) throws {
        try write(entries.map { Entry($0.0, $0.1) }, to: url)
    }

    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
