import Formats
import Foundation
import Tensor
import TestFixtures
import Testing
import Tracer
@testable import Models

/// How a checkpoint's tensors are matched to the model built from it: a base model saved without
/// its pooler loads without one; tensors the model does not use are reported, never ignored; a
/// config asking for position embeddings slimtrace does not run is refused.
@Suite struct CheckpointMatchingTests {
    /// A copy of fixture `name` in a new folder: its tensors under the names `rename` gives them
    /// (nil drops one), with `extra` tensors added, and its config changed by `edit`.
    static func copy(of name: String, adding extra: [(String, Tensor)] = [], renaming rename: (String) -> String? = { $0 },
                     config edit: (inout [String: Any]) -> Void = { _ in }) throws -> URL {
        let source = try Checkpoint(directory: Fixtures.model(name))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-matching-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = try #require(try JSONSerialization.jsonObject(with: source.config.data) as? [String: Any])
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        let names = source.files.flatMap(\.names)
        let renamed = try names.compactMap { name in try rename(name).map { ($0, try source.tensor(named: name)) } }
        try SafetensorsWriter.write(renamed + extra, to: folder.appendingPathComponent("model.safetensors"))
        return folder
    }

    @Test func bertModelSavedWithoutItsPoolerLoadsWithoutOneAndMatchesPyTorchsLastHiddenState() throws {
        let folder = Fixtures.model("bert-no-pooler")
        let loaded = try ModelLoading.load(folder, mode: .real)
        #expect(loaded.model.typeName == "BertModel")
        #expect(!loaded.model.namedModules().contains { $0.path.hasPrefix("pooler") })
        #expect(loaded.unusedTensors.isEmpty, "\(loaded.unusedTensors)")
        let reference = try SafetensorsFile(url: folder.appendingPathComponent("reference_io.safetensors"))
        let hidden = try loaded.model.forward(ModelInputs([("input_ids", try reference.tensor(named: "input_ids"))]))
        let comparison = try ReferenceChecks.compare(hidden, with: reference.tensor(named: "last_hidden_state"), caseName: "bert-no-pooler")
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
        #expect(try ModelLoading.load(folder, mode: .meta).model.namedParameters().map(\.name) == loaded.model.namedParameters().map(\.name))
    }

    @Test(arguments: Fixtures.searchCases + ["bert-no-pooler"])
    func everyTensorOfAFixtureIsUsed(_ name: String) throws {
        #expect(try ModelLoading.load(Fixtures.model(name), mode: .real).unusedTensors == [])
        #expect(try ModelLoading.load(Fixtures.model(name), mode: .meta).unusedTensors == [])
    }

    @Test(arguments: [LoadMode.real, .meta])
    func tensorsTheModelDoesNotUseAreReportedButRecomputedBuffersAreNot(_ mode: LoadMode) throws {
        let folder = try Self.copy(of: "bert", adding: [
            ("bert.embeddings.distance_embedding.weight", try Tensor([Float](repeating: 1, count: 1023 * 16), shape: [1023, 16])),
            ("bert.embeddings.position_ids", try Tensor(integers: Array(0..<512), shape: [1, 512])),
            ("cls.predictions.bias", try Tensor([Float](repeating: 0, count: 1000), shape: [1000])),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let loaded = try ModelLoading.load(folder, mode: mode)
        #expect(loaded.unusedTensors == ["bert.embeddings.distance_embedding.weight", "cls.predictions.bias"])
        let warning = try #require(loaded.unusedTensorsWarning)
        #expect(warning.hasPrefix("warning: 2 tensors in \(folder.path) are not used by BertForSequenceClassification: "), "\(warning)")
        #expect(warning.contains("bert.embeddings.distance_embedding.weight, cls.predictions.bias") && !warning.contains("\n"), "\(warning)")
    }

    @Test(arguments: ["relative_key", "relative_key_query"])
    func relativePositionEmbeddingsAreRefusedNamingTheKey(_ type: String) throws {
        let file = try ConfigFile(data: Data(#"{"model_type": "bert", "position_embedding_type": "\#(type)"}"#.utf8),
                                  url: URL(fileURLWithPath: "/tmp/relative/config.json"))
        #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
            let message = error.localizedDescription
            return message.contains("/tmp/relative/config.json") && message.contains("position_embedding_type") && message.contains(type)
        }
        let absolute = try ConfigFile(data: Data(#"{"model_type": "bert", "position_embedding_type": "absolute"}"#.utf8),
                                      url: URL(fileURLWithPath: "/tmp/absolute/config.json"))
        _ = try Architectures.build(config: absolute, parameterNames: [])
    }
}
