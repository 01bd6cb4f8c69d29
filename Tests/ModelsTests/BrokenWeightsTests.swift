import Foundation
import Models
import Testing
import TestFixtures

/// Weights that are there but cannot be read are an error naming the file, in every load mode;
/// only a folder with no weight files at all (no `*.safetensors`, no index) loads as shapes only.
@Suite struct BrokenWeightsTests {
    /// One way a folder's weights can be broken, made next to a valid `config.json`.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// The file the error must name.
        let culprit: String
        let make: @Sendable (URL) throws -> Void
        var testDescription: String { name }

        static let all: [Case] = [
            Case(name: "missing shard", culprit: "model-00002-of-00002.safetensors") { folder in
                try FileManager.default.copyItem(at: Fixtures.model("bert").appendingPathComponent("model.safetensors"),
                                                 to: folder.appendingPathComponent("model-00001-of-00002.safetensors"))
                try Data(#"{"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}"#.utf8)
                    .write(to: folder.appendingPathComponent("model.safetensors.index.json"))
            },
            Case(name: "index that is not JSON", culprit: "model.safetensors.index.json") { folder in
                try Data("{ not json".utf8).write(to: folder.appendingPathComponent("model.safetensors.index.json"))
            },
            Case(name: "index that is a directory", culprit: "model.safetensors.index.json") { folder in
                try FileManager.default.createDirectory(at: folder.appendingPathComponent("model.safetensors.index.json"), withIntermediateDirectories: false)
            },
            Case(name: "dangling symlink", culprit: "model.safetensors") { folder in
                try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("model.safetensors").path,
                                                           withDestinationPath: folder.appendingPathComponent("gone.safetensors").path)
            },
            Case(name: "symlink loop", culprit: "model.safetensors") { folder in
                try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("model.safetensors").path,
                                                           withDestinationPath: folder.appendingPathComponent("model.safetensors").path)
            },
            Case(name: "shards without their index", culprit: "model.safetensors.index.json") { folder in
                try FileManager.default.copyItem(at: Fixtures.model("bert").appendingPathComponent("model.safetensors"),
                                                 to: folder.appendingPathComponent("model-00001-of-00002.safetensors"))
            },
        ]
    }

    @Test(arguments: Case.all, LoadMode.allCases)
    func brokenWeightsAreAnErrorNamingTheFileNeverShapesOnly(_ broken: Case, mode: LoadMode) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-broken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.model("bert").appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
        try broken.make(folder)
        do {
            let loaded = try ModelLoading.load(folder, mode: mode)
            Issue.record("\(broken.name), \(mode): loaded (meta: \(loaded.isMeta), \(loaded.metaReason ?? "")) instead of failing")
        } catch {
            let message = error.localizedDescription
            #expect(message.contains(broken.culprit), "\(message)")
            #expect(!message.contains("NSCocoaErrorDomain") && !message.contains("\n"), "\(message)")
        }
    }
}
