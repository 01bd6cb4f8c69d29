import Foundation
import Formats
import Testing
import TestFixtures

/// `ZipArchive` reads the fixture archives (Keras' stored entries; Python's deflated entries,
/// with and without data descriptors) byte for byte, reads ZIP64 records, and turns every
/// corrupt, truncated or unsupported input into a `ZipArchiveError` that names the file (and
/// the entry), never into an out-of-bounds read.
@Suite struct ZipArchiveTests {
    static let kerasDirectory = Fixtures.root.appendingPathComponent("keras")
    static let zipDirectory = Fixtures.root.appendingPathComponent("zip")

    static let kerasArchives: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: kerasDirectory.path)) ?? [])
        .filter { $0.hasSuffix(".keras") }
        .sorted()

    /// One entry of `Tests/Fixtures/zip/expected.json`.
    struct ExpectedEntry {
        let name: String
        let method: UInt16
        let size: UInt64
        let crc32: UInt32
        let dataDescriptor: Bool
        let contents: Data
    }

    static func expected(_ archive: String) throws -> (comment: String, entries: [ExpectedEntry]) {
        let data = try Data(contentsOf: zipDirectory.appendingPathComponent("expected.json"))
        let all = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let object = try #require(all[archive] as? [String: Any], "expected.json has no \(archive)")
        let entries = try #require(object["entries"] as? [[String: Any]])
        let comment = try #require(object["comment"] as? String)
        return (comment, try entries.map { entry in
            let name = try #require(entry["name"] as? String)
            let method = try #require(entry["method"] as? Int)
            let size = try #require(entry["size"] as? Int)
            let crc = try #require(entry["crc32"] as? Int)
            let dataDescriptor = try #require(entry["data_descriptor"] as? Bool)
            let base64 = try #require(entry["base64"] as? String)
            let contents = try #require(Data(base64Encoded: base64), "\(name): contents are not base64")
            return ExpectedEntry(name: name, method: UInt16(method), size: UInt64(size), crc32: UInt32(crc),
                                 dataDescriptor: dataDescriptor, contents: contents)
        })
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: zipDirectory.appendingPathComponent(file)))
    }

    static func open(_ bytes: [UInt8], path: String = "/test/archive.zip") throws -> ZipArchive {
        try ZipArchive(data: Data(bytes), path: path)
    }

    /// The `ZipArchiveError` that `body` throws, checking that its message names `path`.
    static func zipError(path: String = "/test/archive.zip", _ body: () throws -> Void,
                         sourceLocation: SourceLocation = #_sourceLocation) -> ZipArchiveError? {
        do {
            try body()
        } catch let error as ZipArchiveError {
            #expect(error.localizedDescription.contains(path), "message does not name \(path): \(error.localizedDescription)",
                    sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected a ZipArchiveError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        Issue.record("no error was thrown", sourceLocation: sourceLocation)
        return nil
    }

    static func little<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static func patch<T: FixedWidthInteger>(_ bytes: inout [UInt8], at offset: Int, _ value: T) {
        bytes.replaceSubrange(offset ..< offset + MemoryLayout<T>.size, with: little(value))
    }

    /// The offset of the central directory in an archive without a comment or ZIP64 records.
    static func directoryOffset(_ bytes: [UInt8]) -> Int {
        let end = bytes.count - 22
        return Int(bytes[end + 16]) | Int(bytes[end + 17]) << 8 | Int(bytes[end + 18]) << 16 | Int(bytes[end + 19]) << 24
    }

    static let small = ZipWriter.archive([
        ZipWriter.Entry("a.txt", "alpha\n"),
        ZipWriter.Entry("dir/b.json", #"{"b": [1, 2, 3]}"#),
    ])

    // MARK: - Fixtures

    @Test(arguments: kerasArchives)
    func kerasArchiveEntriesExtractWithTheirSizesAndCRCs(_ file: String) throws {
        let url = Self.kerasDirectory.appendingPathComponent(file)
        let archive = try ZipArchive(url: url)
        #expect(archive.path == url.path)
        #expect(archive.entries.map(\.name) == ["metadata.json", "config.json", "model.weights.h5"])
        #expect(!archive.isZip64)
        for entry in archive.entries {
            #expect(entry.method == 0, "\(file): \(entry.name) is not stored")
            let contents = try archive.contents(of: entry)
            #expect(UInt64(contents.count) == entry.uncompressedSize)
            #expect(ZipWriter.crc32(Array(contents)) == entry.crc32, "\(file): \(entry.name)")
        }
        let metadata = try JSONSerialization.jsonObject(with: archive.contents(of: "metadata.json")) as? [String: Any]
        #expect(metadata?["keras_version"] is String)
        #expect(try JSONSerialization.jsonObject(with: archive.contents(of: "config.json")) is [String: Any])
        let weights = try archive.contents(of: "model.weights.h5")
        #expect(Array(weights.prefix(8)) == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A], "\(file): weights are not HDF5")
    }

    @Test(arguments: ["deflated.zip", "streamed.zip"])
    func deflatedFixtureEntriesEqualTheirExpectedContents(_ file: String) throws {
        let expected = try Self.expected(file)
        let archive = try ZipArchive(url: Self.zipDirectory.appendingPathComponent(file))
        #expect(archive.comment == expected.comment)
        #expect(archive.entries.map(\.name) == expected.entries.map(\.name))
        for (entry, want) in zip(archive.entries, expected.entries) {
            #expect(entry.method == want.method, "\(entry.name)")
            #expect(entry.uncompressedSize == want.size, "\(entry.name)")
            #expect(entry.crc32 == want.crc32, "\(entry.name)")
            #expect((entry.flags & 8 != 0) == want.dataDescriptor, "\(entry.name): data descriptor flag")
            let contents = try archive.contents(of: entry)
            #expect(contents == want.contents, "\(file): \(entry.name) differs (\(contents.count) bytes, expected \(want.contents.count))")
        }
        #expect(expected.entries.contains { $0.method == 8 && $0.size > 8000 }, "the fixture has no large deflated entry")
    }

    @Test func deflatedFixtureHasFolderAndUTF8Names() throws {
        let archive = try ZipArchive(url: Self.zipDirectory.appendingPathComponent("deflated.zip"))
        #expect(archive.entry("docs/")?.isDirectory == true)
        #expect(archive.entry("docs/lines.txt")?.isDirectory == false)
        #expect(try archive.contents(of: "unicode-üß.txt") == Data("grüße\n".utf8))
        #expect(try archive.contents(of: "empty.txt").isEmpty)
    }

    @Test func keepsReadingInMemoryAndFromFileAlike() throws {
        let url = Self.zipDirectory.appendingPathComponent("deflated.zip")
        let fromFile = try ZipArchive(url: url)
        let inMemory = try ZipArchive(data: Data(contentsOf: url), path: url.path)
        #expect(fromFile.entries == inMemory.entries)
        for entry in fromFile.entries {
            #expect(try fromFile.contents(of: entry) == inMemory.contents(of: entry))
        }
    }

    // MARK: - Records

    @Test func zip64RecordsAndExtraFieldsGiveSizesAndOffsets() throws {
        let bytes = ZipWriter.archive([ZipWriter.Entry("first.txt", "one"), ZipWriter.Entry("second.bin", bytes: [0, 1, 2, 255])],
                                      zip64: true)
        let archive = try Self.open(bytes)
        #expect(archive.isZip64)
        #expect(archive.entries.map(\.name) == ["first.txt", "second.bin"])
        #expect(archive.entries.allSatisfy { $0.isZip64 })
        #expect(archive.entries.map(\.uncompressedSize) == [3, 4])
        // After the first entry: its local header, name, ZIP64 extra field (20 bytes) and data.
        #expect(archive.entries[1].localHeaderOffset == UInt64(30 + "first.txt".utf8.count + 20 + 3))
        #expect(try archive.contents(of: "second.bin") == Data([0, 1, 2, 255]))
    }

    @Test func zip64EntryWithoutItsExtraFieldIsMalformed() throws {
        var bytes = Self.small
        // Saturate the first entry's compressed size: the reader must look for a ZIP64 field.
        Self.patch(&bytes, at: Self.directoryOffset(bytes) + 20, UInt32.max)
        let error = Self.zipError { _ = try Self.open(bytes) }
        guard case .malformed = error else { Issue.record("expected malformed, got \(String(describing: error))"); return }
        #expect(error?.localizedDescription.contains("ZIP64") == true)
    }

    @Test func commentHoldingASignatureIsSteppedOver() throws {
        let comment = "a comment with a fake record PK\u{05}\u{06} and enough text after it to be searched first"
        let archive = try Self.open(ZipWriter.archive([ZipWriter.Entry("a.txt", "alpha")], comment: comment))
        #expect(archive.comment == comment)
        #expect(try archive.contents(of: "a.txt") == Data("alpha".utf8))
    }

    @Test func bytesAppendedAfterTheArchiveAreIgnored() throws {
        let archive = try Self.open(Self.small + Array("trailing bytes".utf8))
        #expect(try archive.contents(of: "dir/b.json") == Data(#"{"b": [1, 2, 3]}"#.utf8))
    }

    @Test func emptyArchiveHasNoEntries() throws {
        let archive = try Self.open(ZipWriter.archive([]))
        #expect(archive.entries.isEmpty)
        #expect(Self.zipError { _ = try archive.contents(of: "x") } == .entryNotFound(path: "/test/archive.zip", entry: "x", found: []))
    }

    // MARK: - Errors

    @Test func missingEntryNamesTheEntryAndWhatTheArchiveHolds() throws {
        let archive = try Self.open(Self.small)
        let error = Self.zipError { _ = try archive.contents(of: "config.json") }
        #expect(error == .entryNotFound(path: "/test/archive.zip", entry: "config.json", found: ["a.txt", "dir/b.json"]))
        #expect(error?.localizedDescription.contains("a.txt, dir/b.json") == true)
    }

    @Test func textFileIsNotAZip() {
        for bytes in [[], Array("PK".utf8), Array(String(repeating: "not a zip archive\n", count: 10).utf8)] {
            let error = Self.zipError { _ = try Self.open(bytes) }
            guard case .notZip = error else { Issue.record("expected notZip, got \(String(describing: error))"); continue }
            #expect(error?.localizedDescription.contains("not a zip archive") == true)
        }
    }

    @Test func missingFileAndFolderAreUnreadableNamingThePath() throws {
        let missing = "/nonexistent/slimtrace/archive.zip"
        let error = Self.zipError(path: missing) { _ = try ZipArchive(url: URL(fileURLWithPath: missing)) }
        guard case .unreadable = error else { Issue.record("expected unreadable, got \(String(describing: error))"); return }
        let folder = Self.zipDirectory.path
        let folderError = Self.zipError(path: folder) { _ = try ZipArchive(url: Self.zipDirectory) }
        guard case .unreadable = folderError else { Issue.record("expected unreadable, got \(String(describing: folderError))"); return }
    }

    @Test func everyTruncationOfAnArchiveIsAnErrorNamingTheFile() throws {
        for archive in [Self.small, try Self.bytes("deflated.zip")] {
            for length in 0 ..< archive.count {
                let error = Self.zipError { _ = try Self.open(Array(archive.prefix(length))) }
                if length >= 4, let error {
                    // It starts like a zip archive, so it is reported as a truncated one.
                    guard case .truncated = error else { Issue.record("prefix of \(length) bytes: \(error)"); return }
                }
            }
        }
    }

    @Test func removingBytesFromTheMiddleIsTruncatedOrMalformed() throws {
        let archive = try Self.bytes("deflated.zip")
        let cut = Array(archive[..<100] + archive[1100...])
        let error = Self.zipError { _ = try Self.open(cut) }
        switch error {
        case .truncated?, .malformed?: break
        default: Issue.record("expected truncated or malformed, got \(String(describing: error))")
        }
    }

    @Test func unsupportedCompressionMethodNamesMethodAndEntry() throws {
        let archive = try Self.open(ZipWriter.archive([ZipWriter.Entry("weights.bin", bytes: [1, 2, 3], method: 12)]))
        let error = Self.zipError { _ = try archive.contents(of: "weights.bin") }
        #expect(error == .unsupportedCompression(path: "/test/archive.zip", entry: "weights.bin", method: 12))
        let message = error?.localizedDescription ?? ""
        #expect(message.contains("unsupported compression method 12") && message.contains("weights.bin") && message.contains("bzip2"))
    }

    @Test func encryptedEntryIsAnError() throws {
        let archive = try Self.open(ZipWriter.archive([ZipWriter.Entry("secret", bytes: [1, 2, 3], flags: 1)]))
        #expect(Self.zipError { _ = try archive.contents(of: "secret") } == .encrypted(path: "/test/archive.zip", entry: "secret"))
    }

    @Test func storedCRCMismatchGivesBothValues() throws {
        let archive = try Self.open(ZipWriter.archive([ZipWriter.Entry("a.txt", bytes: Array("alpha".utf8), crc32: 0x1234_5678)]))
        let actual = ZipWriter.crc32(Array("alpha".utf8))
        let error = Self.zipError { _ = try archive.contents(of: "a.txt") }
        #expect(error == .crcMismatch(path: "/test/archive.zip", entry: "a.txt", expected: 0x1234_5678, actual: actual))
        #expect(error?.localizedDescription.contains("CRC mismatch for entry a.txt") == true)
        #expect(error?.localizedDescription.contains("0x12345678") == true)
    }

    @Test func flippedByteInDeflatedDataIsCorruptOrCRCMismatch() throws {
        let original = try Self.bytes("deflated.zip")
        let entry = try #require(try Self.open(original).entry("docs/lines.txt"))
        let dataOffset = Int(entry.localHeaderOffset) + 30 + entry.name.utf8.count
        for delta in [10, 500, 1500] {
            var bytes = original
            bytes[dataOffset + delta] ^= 0x55
            let archive = try Self.open(bytes)
            let error = Self.zipError { _ = try archive.contents(of: entry) }
            switch error {
            case .corruptEntry(_, "docs/lines.txt", _)?, .crcMismatch(_, "docs/lines.txt", _, _)?: break
            default: Issue.record("byte \(delta): expected corruptEntry or crcMismatch, got \(String(describing: error))")
            }
        }
    }

    @Test func flippedByteInStoredDataIsCRCMismatch() throws {
        var bytes = try Self.bytes("deflated.zip")
        let entry = try #require(try Self.open(bytes).entry("stored.txt"))
        bytes[Int(entry.localHeaderOffset) + 30 + entry.name.utf8.count] ^= 1
        let archive = try Self.open(bytes)
        guard case .crcMismatch(_, "stored.txt", entry.crc32, _)? = Self.zipError({ _ = try archive.contents(of: entry) }) else {
            Issue.record("expected a CRC mismatch")
            return
        }
    }

    /// The raw deflate bytes of `name` in the deflated fixture, with its contents.
    static func deflated(_ name: String) throws -> (stream: [UInt8], contents: [UInt8]) {
        let bytes = try Self.bytes("deflated.zip")
        let archive = try Self.open(bytes)
        let entry = try #require(archive.entry(name))
        let start = Int(entry.localHeaderOffset) + 30 + entry.name.utf8.count
        return (Array(bytes[start ..< start + Int(entry.compressedSize)]), Array(try archive.contents(of: entry)))
    }

    @Test func deflatedEntryWithWrongSizeIsCorrupt() throws {
        let (stream, contents) = try Self.deflated("docs/lines.txt")
        let crc = ZipWriter.crc32(contents)
        for size in [UInt64(contents.count - 1), UInt64(contents.count + 1), 0] {
            let archive = try Self.open(ZipWriter.archive([
                ZipWriter.Entry("lines.txt", bytes: stream, method: 8, crc32: crc, uncompressedSize: size)]))
            let error = Self.zipError { _ = try archive.contents(of: "lines.txt") }
            guard case .corruptEntry(_, "lines.txt", _)? = error else {
                Issue.record("size \(size): expected corruptEntry, got \(String(describing: error))")
                continue
            }
        }
    }

    @Test func deflatedEntryClaimingAHugeSizeFailsBeforeAllocating() throws {
        let (stream, _) = try Self.deflated("config.json")
        let archive = try Self.open(ZipWriter.archive([
            ZipWriter.Entry("config.json", bytes: stream, method: 8, uncompressedSize: 1 << 40)], zip64: true))
        let error = Self.zipError { _ = try archive.contents(of: "config.json", limit: .max) }
        guard case .corruptEntry = error else { Issue.record("expected corruptEntry, got \(String(describing: error))"); return }
        #expect(error?.localizedDescription.contains("more than deflate can produce") == true)
    }

    @Test func truncatedDeflateStreamEndsEarly() throws {
        let (stream, contents) = try Self.deflated("docs/lines.txt")
        let archive = try Self.open(ZipWriter.archive([
            ZipWriter.Entry("lines.txt", bytes: Array(stream.prefix(stream.count / 2)), method: 8,
                            crc32: ZipWriter.crc32(contents), uncompressedSize: UInt64(contents.count))]))
        let error = Self.zipError { _ = try archive.contents(of: "lines.txt") }
        #expect(error?.localizedDescription.contains("ends early") == true, "\(String(describing: error))")
    }

    @Test func storedEntryWithDifferentSizesIsCorrupt() throws {
        let archive = try Self.open(ZipWriter.archive([ZipWriter.Entry("a", bytes: [1, 2, 3], uncompressedSize: 4)]))
        guard case .corruptEntry(_, "a", _)? = Self.zipError({ _ = try archive.contents(of: "a") }) else {
            Issue.record("expected corruptEntry")
            return
        }
    }

    @Test func localHeaderOffsetPastTheEndIsTruncated() throws {
        var bytes = Self.small
        Self.patch(&bytes, at: Self.directoryOffset(bytes) + 42, UInt32(bytes.count + 10))
        let archive = try Self.open(bytes)
        let error = Self.zipError { _ = try archive.contents(of: "a.txt") }
        guard case .truncated = error else { Issue.record("expected truncated, got \(String(describing: error))"); return }
        #expect(error?.localizedDescription.contains("local header of a.txt") == true)
    }

    @Test func localHeaderOffsetAtTheWrongPlaceIsMalformed() throws {
        var bytes = Self.small
        Self.patch(&bytes, at: Self.directoryOffset(bytes) + 42, UInt32(3))
        let archive = try Self.open(bytes)
        guard case .malformed = Self.zipError({ _ = try archive.contents(of: "a.txt") }) else {
            Issue.record("expected malformed")
            return
        }
    }

    @Test func entryDataPastTheEndIsTruncated() throws {
        var bytes = Self.small
        let directory = Self.directoryOffset(bytes)
        Self.patch(&bytes, at: directory + 20, UInt32(1 << 20))  // compressed size
        Self.patch(&bytes, at: directory + 24, UInt32(1 << 20))  // uncompressed size
        let archive = try Self.open(bytes)
        guard case .truncated = Self.zipError({ _ = try archive.contents(of: "a.txt") }) else {
            Issue.record("expected truncated")
            return
        }
    }

    @Test func forgedEntryCountOrDirectorySizeIsAnError() throws {
        let end = Self.small.count - 22
        for (offset, value) in [(end + 10, UInt32(0xFFFE)), (end + 12, UInt32(1 << 30)), (end + 16, UInt32(1 << 30))] {
            var bytes = Self.small
            if offset == end + 10 {
                Self.patch(&bytes, at: offset, UInt16(value))
            } else {
                Self.patch(&bytes, at: offset, value)
            }
            switch Self.zipError({ _ = try Self.open(bytes) }) {
            case .malformed?, .truncated?: break
            case let other: Issue.record("field at \(offset - end): expected malformed or truncated, got \(String(describing: other))")
            }
        }
    }

    @Test func splitArchiveIsUnsupported() throws {
        var bytes = Self.small
        Self.patch(&bytes, at: bytes.count - 22 + 4, UInt16(1))
        guard case .unsupported = Self.zipError({ _ = try Self.open(bytes) }) else {
            Issue.record("expected unsupported")
            return
        }
    }

    /// Any single corrupted byte, anywhere, either still reads or gives a `ZipArchiveError`
    /// (a read out of bounds would trap and fail the whole run).
    @Test(arguments: ["small", "zip64", "deflated.zip", "streamed.zip"])
    func corruptingAnyByteGivesDataOrAnError(_ name: String) throws {
        let original: [UInt8] = switch name {
        case "small": Self.small
        case "zip64": ZipWriter.archive([ZipWriter.Entry("a.txt", "alpha"), ZipWriter.Entry("b", bytes: [9, 8, 7])], zip64: true)
        default: try Self.bytes(name)
        }
        var random = SplitMix64(seed: 42)
        for offset in 0 ..< original.count {
            for value: UInt8 in [0x00, 0xFF, UInt8(truncatingIfNeeded: random.next())] where value != original[offset] {
                var bytes = original
                bytes[offset] = value
                do {
                    let archive = try Self.open(bytes)
                    for entry in archive.entries {
                        do {
                            _ = try archive.contents(of: entry)
                        } catch is ZipArchiveError {}
                    }
                } catch is ZipArchiveError {}
            }
        }
    }
}

/// A small deterministic generator for the corruption test.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
