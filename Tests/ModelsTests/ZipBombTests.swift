import Formats
import Foundation
import Models
import TestFixtures
import Testing

/// A zip bomb (a small entry that inflates to gigabytes) is refused without inflating it: an
/// entry declaring more than the cap fails before anything is allocated, and one that declares a
/// small size but inflates to more stops at the declared size. Each test returns in well under a
/// second, which it could not do if it inflated the bomb.
@Suite struct ZipBombTests {
    /// A raw deflate stream of `mebibytes` MiB of zeros (about a thousandth of that in bytes).
    static func zeros(mebibytes: Int) throws -> [UInt8] {
        let chunk = Array(try Data(contentsOf: Fixtures.root.appendingPathComponent("zip/zeros-1MiB.deflate")))
        var stream: [UInt8] = []
        stream.reserveCapacity(chunk.count * mebibytes + 2)
        for _ in 0 ..< mebibytes { stream += chunk }
        return stream + [0x03, 0x00]  // a final, empty fixed-Huffman block
    }

    static func bomb(declaring size: UInt64) throws -> [UInt8] {
        ZipWriter.archive([
            ZipWriter.Entry("metadata.json", #"{"keras_version": "3.4.1"}"#),
            ZipWriter.Entry("config.json", bytes: try zeros(mebibytes: 2048), method: 8, crc32: 0, uncompressedSize: size),
        ])
    }

    @Test func entryDeclaringTwoGiBIsRefusedBeforeInflating() throws {
        let archive = try ZipArchive(data: Data(try Self.bomb(declaring: 2 << 30)), path: "/test/bomb.zip")
        let start = Date()
        #expect(throws: ZipArchiveError.entryTooLarge(path: "/test/bomb.zip", entry: "config.json", size: 2 << 30,
                                                      limit: ZipArchive.defaultEntryByteLimit)) {
            try archive.contents(of: "config.json")
        }
        #expect(Date().timeIntervalSince(start) < 1)
    }

    @Test func entryUnderDeclaringItsSizeStopsInflatingAtTheDeclaredSize() throws {
        let archive = try ZipArchive(data: Data(try Self.bomb(declaring: 1000)), path: "/test/bomb.zip")
        let start = Date()
        let error = #expect(throws: ZipArchiveError.self) { try archive.contents(of: "config.json") }
        guard case .corruptEntry(_, "config.json", let detail)? = error else {
            Issue.record("expected corruptEntry, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("more than the 1000 bytes"))
        #expect(Date().timeIntervalSince(start) < 1)
    }

    @Test func kerasArchiveWithABombConfigIsAOneLineErrorNamingTheEntry() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-bomb-\(UUID().uuidString).keras")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(try Self.bomb(declaring: 2 << 30)).write(to: url)
        let start = Date()
        let error = #expect(throws: KerasArchiveError.self) { try KerasArchive(url: url) }
        guard case .unreadableEntry(url.path, "config.json", let detail)? = error else {
            Issue.record("expected unreadableEntry for config.json, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("\(KerasArchive.configByteLimit)-byte limit"))
        #expect(error?.localizedDescription.contains("\n") == false)
        #expect(Date().timeIntervalSince(start) < 1)
    }
}
