import Formats
import Foundation
import Testing
import Tensor
import TestFixtures
import Tracer
@testable import Models

@Suite struct BertFamilyTests {
    @Test(arguments: ["bert", "roberta", "xlm-roberta", "electra", "bert-pruned"])
    func logitsMatchPyTorchWithin1e4(fixture: String) throws {
        let comparison = try ReferenceChecks.logitsMatch(case: fixture)
        #expect(comparison.shape == comparison.expectedShape, "\(comparison)")
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
    }

    @Test(arguments: ["bert", "roberta", "xlm-roberta", "electra"])
    func moduleTreeEqualsPyTorchNamedModules(fixture: String) throws {
        try ReferenceChecks.expectModuleTreeEqualsPyTorch(case: fixture)
    }

    @Test func checkpointSavedFromTheBaseModelLoadsAsBertModel() throws {
        let source = try Checkpoint(directory: Fixtures.model("bert"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-bert-base-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var config = try #require(try JSONSerialization.jsonObject(with: source.config.data) as? [String: Any])
        config["architectures"] = ["BertModel"]
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        let baseTensors = try source.tensorNames.sorted().filter { $0.hasPrefix("bert.") }.map {
            (String($0.dropFirst("bert.".count)), try source.tensor(named: $0))
        }
        try SafetensorsWriter.write(baseTensors, to: folder.appendingPathComponent("model.safetensors"))

        let model = try Checkpoint(directory: folder).loadModel()
        #expect(model.typeName == "BertModel")
        #expect(model.namedModules().first { $0.path.hasPrefix("bert") } == nil)
        let inputs = try ReferenceChecks.referenceInputs(case: "bert")
        let hidden = try model.forward(inputs)
        #expect(hidden.shape == [1, 16, 64])

        // The same numbers as the base model inside the classifier checkpoint.
        let full = try #require(try source.loadModel() as? BertForSequenceClassification)
        let inside = try full.base.forward(inputs)
        let comparison = try ReferenceChecks.compare(hidden, with: inside, caseName: "bert base")
        #expect(comparison.maxAbsDiff == 0, "\(comparison)")
    }

    @Test func hiddenSizeNotDivisibleByHeadsIsAnErrorNamingBothKeys() throws {
        let file = try ConfigFile(data: Data(#"{"model_type": "bert", "hidden_size": 66, "num_attention_heads": 4}"#.utf8),
                                  url: URL(fileURLWithPath: "/tmp/odd/config.json"))
        #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
            let message = error.localizedDescription
            return message.contains("/tmp/odd/config.json") && message.contains("hidden_size")
                && message.contains("num_attention_heads") && message.contains("66")
        }
    }

    @Test func unsupportedActivationIsAnErrorNamingIt() throws {
        let file = try ConfigFile(data: Data(#"{"model_type": "roberta", "hidden_act": "mish"}"#.utf8),
                                  url: URL(fileURLWithPath: "/tmp/act/config.json"))
        #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
            error.localizedDescription.contains("hidden_act") && error.localizedDescription.contains("mish")
        }
    }

    /// Sizes unlike the fixtures', so nothing can lean on them.
    private func oddConfig(_ modelType: String, architecture: String) throws -> ConfigFile {
        let json = """
        {"model_type": "\(modelType)", "architectures": ["\(architecture)"], "vocab_size": 77, "hidden_size": 48,
         "embedding_size": 24, "num_attention_heads": 3, "num_hidden_layers": 3, "intermediate_size": 40,
         "max_position_embeddings": 40, "type_vocab_size": 3, "pad_token_id": 1,
         "id2label": {"0": "a", "1": "b", "2": "c", "3": "d", "4": "e"}}
        """
        return try ConfigFile(data: Data(json.utf8), url: URL(fileURLWithPath: "/tmp/\(modelType)/config.json"))
    }

    @Test(arguments: BertFamily.allCases)
    func forwardOnMetaTensorsGivesTheOutputShapes(family: BertFamily) throws {
        let inputs = ModelInputs([
            ("input_ids", .meta(shape: [2, 9], dtype: .i64)),
            ("attention_mask", .meta(shape: [2, 9], dtype: .i64)),
            ("token_type_ids", .meta(shape: [2, 9], dtype: .i64)),
        ])
        let prefix = family.classPrefix
        let classifier = try Architectures.build(config: oddConfig(family.modelType, architecture: prefix + "ForSequenceClassification"),
                                                 parameterNames: [])
        #expect(classifier.typeName == prefix + "ForSequenceClassification")
        let logits = try classifier.forward(inputs)
        #expect(logits.isMeta && logits.shape == [2, 5])

        let base = try Architectures.build(config: oddConfig(family.modelType, architecture: prefix + "Model"), parameterNames: [])
        #expect(base.typeName == prefix + "Model")
        let hidden = try base.forward(ModelInputs([("input_ids", .meta(shape: [2, 9], dtype: .i64))]))
        #expect(hidden.isMeta && hidden.shape == [2, 9, 48])
        let project = base.namedModules().first { $0.path == "embeddings_project" }
        #expect((project != nil) == (family == .electra))
    }

    @Test(arguments: BertFamily.allCases)
    func traceCallsEveryLeafModuleButTheUnusedAttentionDropoutAndAttendsThroughMatmuls(family: BertFamily) throws {
        let model = try Architectures.build(config: oddConfig(family.modelType, architecture: family.classPrefix + "ForSequenceClassification"),
                                            parameterNames: [])
        let (_, graph) = try Tracer.trace(model: model, inputs: [("input_ids", .meta(shape: [1, 16], dtype: .i64))]) { inputs in
            try model.forward(ModelInputs([("input_ids", inputs[0])]))
        }
        let called = Set(graph.nodes.filter(\.isOp).compactMap { $0.scope?.path })
        // Hugging Face's eager attention applies functional dropout, never `attention.self.dropout`.
        let leaves = model.namedModules().filter { $0.module.children.isEmpty && !$0.path.hasSuffix("attention.self.dropout") }
        #expect(leaves.map(\.path).filter { !called.contains($0) } == [])
        let layers = 3
        #expect(graph.nodes.filter { $0.op == .matmul }.count == 2 * layers)
        // Every parameter of the tree is read.
        #expect(graph.parameterValues.count == model.namedParameters().count)
    }

    @Test(arguments: ["bert", "roberta", "xlm-roberta", "electra"])
    func rightPaddingUnderTheAttentionMaskLeavesTheLogitsUnchanged(fixture: String) throws {
        let checkpoint = try Checkpoint(directory: Fixtures.model(fixture))
        let model = try checkpoint.loadModel()
        let reference = try #require(ReferenceChecks.referenceInputs(case: fixture)["input_ids"])
        let pad = try #require(try checkpoint.config.decode(BertConfiguration.self).padTokenId)
        let length = reference.shape[1]
        let padded = try Tensor(integers: reference.integers() + [pad, pad, pad], shape: [1, length + 3])
        let mask = try Tensor(integers: Array(repeating: 1, count: length) + [0, 0, 0], shape: [1, length + 3])
        let plain = try model.forward(ModelInputs([("input_ids", reference)]))
        let masked = try model.forward(ModelInputs([("input_ids", padded), ("attention_mask", mask)]))
        let comparison = try ReferenceChecks.compare(masked, with: plain, caseName: fixture)
        #expect(comparison.maxAbsDiff <= 1e-5, "\(comparison)")
    }

    @Test func robertaPositionsSkipLeftPaddingSoRealTokensKeepTheirHiddenStates() throws {
        let model = try #require(try Checkpoint(directory: Fixtures.model("roberta")).loadModel() as? BertForSequenceClassification)
        let ids = try #require(ReferenceChecks.referenceInputs(case: "roberta")["input_ids"])
        let length = ids.shape[1]
        let padded = try Tensor(integers: [1, 1] + ids.integers(), shape: [1, length + 2])
        let mask = try Tensor(integers: [0, 0] + Array(repeating: 1, count: length), shape: [1, length + 2])
        let plain = try model.base.forward(ModelInputs([("input_ids", ids)]))
        let shifted = try model.base.forward(ModelInputs([("input_ids", padded), ("attention_mask", mask)]))
        let comparison = try ReferenceChecks.compare(shifted.slice(1, 2..<(length + 2)).contiguous(), with: plain, caseName: "roberta")
        #expect(comparison.maxAbsDiff <= 1e-5, "\(comparison)")
    }

    @Test func tooManyTokensForThePositionTableIsAnErrorNamingTheLimit() throws {
        let model = try Architectures.build(config: oddConfig("roberta", architecture: "RobertaModel"), parameterNames: [])
        // RoBERTa numbers positions from pad_token_id + 1 = 2, so 40 positions hold 38 tokens.
        _ = try model.forward(ModelInputs([("input_ids", .meta(shape: [1, 38], dtype: .i64))]))
        #expect { try model.forward(ModelInputs([("input_ids", .meta(shape: [1, 39], dtype: .i64))])) } throws: { error in
            error.localizedDescription.contains("max_position_embeddings") && error.localizedDescription.contains("40")
        }
    }
}
