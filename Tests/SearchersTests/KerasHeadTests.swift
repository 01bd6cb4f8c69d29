import Formats
import Foundation
import Models
import Searchers
import Testing
import TestFixtures

/// `.keras` archives: the layers read from each archive are Keras' `model.layers` (names and
/// classes, in order) and the classifier head equals what Keras + INC found, for every archive in
/// `Tests/Fixtures/keras` (whatever its name: `expected.json` is keyed by the archive's base name).
/// Broken archives fail with errors that name the file.
@Suite struct KerasHeadTests {
    static let directory = Fixtures.root.appendingPathComponent("keras")

    /// Every `.keras` file in the fixture folder, by file name.
    static let archives: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".keras") }
        .sorted()

    static func expected(for archive: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("expected.json"))
        let all = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let key = (archive as NSString).deletingPathExtension
        return try #require(all[key] as? [String: Any], "expected.json has no entry \"\(key)\" for \(archive)")
    }

    /// An expected head: a name, null (no head), or `{"error": ...}` where Python raised (no head).
    static func head(_ value: Any?, field: String, archive: String) throws -> String? {
        switch value {
        case let name as String: return name
        case is NSNull: return nil
        case let object as [String: Any] where object["error"] != nil: return nil
        default:
            Issue.record("\(archive): expected.json's \(field) is neither a name, null nor an error: \(String(describing: value))")
            return nil
        }
    }

    static func archiveURL(_ archive: String) -> URL { directory.appendingPathComponent(archive) }

    @Test func everyArchiveHasAnExpectedEntry() throws {
        #expect(!Self.archives.isEmpty, "no .keras archives in \(Self.directory.path)")
        for archive in Self.archives {
            _ = try Self.expected(for: archive)
        }
    }

    @Test(arguments: archives)
    func layersEqualKerasModelLayers(_ archive: String) throws {
        let expected = try Self.expected(for: archive)
        let pairs = try #require(expected["layers"] as? [[String]], "\(archive): expected.json has no layers list")
        let expectedLayers = pairs.map { KerasLayer(name: $0[0], className: $0[1]) }
        let model = try KerasArchive(url: Self.archiveURL(archive)).model
        #expect(model.layers == expectedLayers, "\(archive): got \(model.layers), expected \(expectedLayers)")
    }

    @Test(arguments: archives)
    func headEqualsKerasHeadWithConv2DFixed(_ archive: String) throws {
        let expected = try Self.expected(for: archive)
        let head = try Self.head(expected["head_with_conv2d_fixed"], field: "head_with_conv2d_fixed", archive: archive)
        let found = try ClassifierHeadSearcherTF(archive: Self.archiveURL(archive)).search()
        #expect(found == head, "\(archive): got \(found ?? "nil"), expected \(head ?? "nil")")
    }

    @Test(arguments: archives)
    func incCompatibleHeadEqualsINCHead(_ archive: String) throws {
        let expected = try Self.expected(for: archive)
        let head = try Self.head(expected["inc_head"], field: "inc_head", archive: archive)
        let found = try ClassifierHeadSearcherTF(archive: Self.archiveURL(archive), incCompatible: true).search()
        #expect(found == head, "\(archive): got \(found ?? "nil"), expected \(head ?? "nil") (INC)")
    }

    // MARK: - Models that are not in the fixtures

    static func model(_ json: String) throws -> KerasModel {
        try KerasModel(configJSON: Data(json.utf8), source: "test/config.json")
    }

    @Test func sequentialWithoutInputLayerListsEveryLayer() throws {
        let model = try Self.model("""
            {"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "a"}},
              {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "b"}},
              {"module": "keras.layers", "class_name": "Dropout", "config": {"name": "c"}}]}}
            """)
        #expect(model.kind == .sequential)
        #expect(model.layers.map(\.name) == ["a", "b", "c"])
        #expect(ClassifierHeadSearcherTF(model: model).search() == "b")
        #expect(ClassifierHeadSearcherTF(model: model, incCompatible: true).search() == nil)
    }

    @Test func legacySequentialConfigListDropsLeadingInputLayer() throws {
        let model = try Self.model("""
            {"class_name": "Sequential", "config": [
              {"class_name": "InputLayer", "config": {"name": "in"}},
              {"class_name": "Dense", "config": {"name": "out"}}]}
            """)
        #expect(model.layers == [KerasLayer(name: "out", className: "Dense")])
        #expect(model.savedLayers.count == 2)
    }

    @Test func functionalKeepsInputLayersAndLeavesOutRawOps() throws {
        let model = try Self.model("""
            {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "f",
              "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "config": {"name": "x"}, "name": "x", "inbound_nodes": []},
                {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d"}, "name": "d", "inbound_nodes": []},
                {"module": "keras.src.ops.nn", "class_name": "Relu", "config": {"name": "relu"}, "name": "relu", "inbound_nodes": []}],
              "input_layers": ["x", 0, 0], "output_layers": ["relu", 0, 0]}}
            """)
        #expect(model.kind == .functional)
        #expect(model.layers.map(\.name) == ["x", "d"])
        #expect(ClassifierHeadSearcherTF(model: model).search() == "d")
    }

    @Test func emptyModelHasNoHeadInsteadOfCrashing() throws {
        let model = try Self.model(#"{"class_name": "Sequential", "config": {"name": "e", "layers": []}}"#)
        #expect(model.layers.isEmpty)
        #expect(ClassifierHeadSearcherTF(model: model).search() == nil)
        #expect(ClassifierHeadSearcherTF(model: model, incCompatible: true).search() == nil)
    }

    // MARK: - Broken archives

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-keras-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A zip at `url` holding `entries` (name → contents), stored.
    static func writeZip(_ entries: [(String, String)], to url: URL) throws {
        try ZipWriter.write(entries, to: url)
    }

    /// The `KerasArchiveError` that opening `url` throws, checking its message names the file.
    static func error(opening url: URL) throws -> KerasArchiveError {
        do {
            _ = try KerasArchive(url: url)
        } catch let error as KerasArchiveError {
            let message = error.localizedDescription
            #expect(message.contains(url.path), "message does not name the file: \(message)")
            return error
        }
        Issue.record("\(url.path) opened without an error")
        throw CancellationError()
    }

    @Test func nonZipFileFailsAsNotAZip() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.keras")
        try Data("not a zip archive\n".utf8).write(to: url)
        let error = try Self.error(opening: url)
        guard case .notZip = error else {
            Issue.record("expected notZip, got \(error)")
            return
        }
        #expect(error.localizedDescription.contains("not a zip"))
    }

    @Test func zipWithoutConfigFailsNamingConfigJSON() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.keras")
        try Self.writeZip([("metadata.json", #"{"keras_version": "3.0.0"}"#)], to: url)
        let error = try Self.error(opening: url)
        #expect(error == .missingEntry(path: url.path, entry: "config.json", found: ["metadata.json"]))
        #expect(error.localizedDescription.contains("config.json"))
    }

    @Test func configThatIsNotJSONFailsNamingTheConfig() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.keras")
        try Self.writeZip([("config.json", "{not json"), ("metadata.json", "{}")], to: url)
        let error = try Self.error(opening: url)
        guard case let .invalidJSON(path, _) = error else {
            Issue.record("expected invalidJSON, got \(error)")
            return
        }
        #expect(path == url.path + "/config.json")
    }

    @Test func configWithoutLayersFailsAsNoLayers() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.keras")
        try Self.writeZip([("config.json", #"{"module": "m", "class_name": "MyModel", "config": {"name": "sub"}}"#)], to: url)
        let error = try Self.error(opening: url)
        guard case .noLayers = error else {
            Issue.record("expected noLayers, got \(error)")
            return
        }
        #expect(error.localizedDescription.contains("MyModel"))
    }

    @Test func missingFileFailsNamingThePath() throws {
        let url = URL(fileURLWithPath: "/nonexistent/slimtrace/model.keras")
        #expect(try Self.error(opening: url) == .missingFile(path: url.path))
    }

    @Test func damagedZipFailsNamingTheFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.keras")
        let source = try Data(contentsOf: Self.archiveURL("seq_softmax.keras"))
        try source.prefix(source.count / 2).write(to: url)
        let error = try Self.error(opening: url)
        guard case .damagedArchive = error else {
            Issue.record("expected damagedArchive, got \(error)")
            return
        }
        #expect(error.localizedDescription.contains("truncated"))
    }

    @Test func configWithWrongCRCFailsAsUnreadableEntry() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.keras")
        let config = Array(#"{"class_name": "Sequential", "config": {"layers": []}}"#.utf8)
        try ZipWriter.write([ZipWriter.Entry("config.json", bytes: config, crc32: ZipWriter.crc32(config) ^ 1)], to: url)
        let error = try Self.error(opening: url)
        guard case .unreadableEntry(_, "config.json", _) = error else {
            Issue.record("expected unreadableEntry, got \(error)")
            return
        }
        #expect(error.localizedDescription.contains("CRC mismatch"))
    }

    @Test func deflatedConfigIsRead() throws {
        // A zip with a deflated config.json (Keras stores its entries; other tools deflate them).
        let url = Fixtures.root.appendingPathComponent("zip").appendingPathComponent("deflated.zip")
        let archive = try KerasArchive(url: url)
        #expect(archive.model.className == "Sequential")
        #expect(archive.model.layers.isEmpty)
        #expect(archive.kerasVersion == nil)
    }
}
