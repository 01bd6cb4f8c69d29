import Foundation
import Testing
import Tensor
import TestFixtures
@testable import Models

@Suite struct DistilBertTests {
    /// The fixture's config.json, with `changes` applied (nil removes a key).
    private func config(_ changes: [String: Any?] = [:]) throws -> ConfigFile {
        let url = Fixtures.model("distilbert").appendingPathComponent("config.json")
        var object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        for (key, value) in changes { object[key] = value }
        return try ConfigFile(data: JSONSerialization.data(withJSONObject: object), url: url)
    }

    private func metaInputs(batch: Int, length: Int, withMask: Bool) -> ModelInputs {
        var entries: [(name: String, tensor: Tensor)] = [("input_ids", .meta(shape: [batch, length], dtype: .i64))]
        if withMask { entries.append(("attention_mask", .meta(shape: [batch, length], dtype: .i64))) }
        return ModelInputs(entries)
    }

    @Test func metaForwardGivesLogitsOfBatchByLabelCount() throws {
        let model = try Architectures.build(config: config(), parameterNames: [])
        #expect(model.typeName == "DistilBertForSequenceClassification")
        #expect(try model.forward(metaInputs(batch: 3, length: 11, withMask: true)).shape == [3, 2])
        #expect(try model.forward(metaInputs(batch: 1, length: 16, withMask: false)).shape == [1, 2])
    }

    @Test func metaForwardOnAnotherConfigurationFollowsItsSizes() throws {
        let labels = Dictionary(uniqueKeysWithValues: (0..<7).map { ("\($0)", "L\($0)") })
        let file = try config(["dim": 96, "n_heads": 6, "n_layers": 3, "hidden_dim": 200, "activation": "relu",
                               "max_position_embeddings": 40, "id2label": labels])
        let model = try Architectures.build(config: file, parameterNames: [])
        #expect(model.namedModules().filter { $0.module.typeName == "TransformerBlock" }.count == 3)
        #expect(model.namedModules().contains { $0.path == "distilbert.transformer.layer.2.ffn.activation" && $0.module.typeName == "ReLU" })
        #expect(try model.forward(metaInputs(batch: 2, length: 40, withMask: true)).shape == [2, 7])
    }

    @Test func baseModelReturnsLastHiddenState() throws {
        let model = try DistilBert.build(className: "DistilBertModel", config: config())
        #expect(model.typeName == "DistilBertModel")
        #expect(try model.forward(metaInputs(batch: 2, length: 9, withMask: false)).shape == [2, 9, 64])
    }

    @Test func checkpointWithoutPrefixLoadsAsBaseModel() throws {
        let model = try Architectures.build(config: config(), parameterNames: ["embeddings.word_embeddings.weight"])
        #expect(model.typeName == "DistilBertModel")
        #expect(model.namedModules()[1].path == "embeddings")
    }

    @Test func inputIDsIsThePrimaryInputWithINCsPlaceholderShape() throws {
        let model = try Architectures.build(config: config(), parameterNames: [])
        #expect(model.inputSpecs.map(\.name) == ["input_ids", "attention_mask"])
        #expect(model.inputSpecs[0] == ModelInputSpec(name: "input_ids", dtype: .i64, defaultShape: [1, 16], isPrimary: true))
    }

    @Test func dimensionNotDivisibleByHeadsIsAnErrorNamingBothKeys() throws {
        #expect { try Architectures.build(config: config(["n_heads": 5]), parameterNames: []) } throws: { error in
            let text = error.localizedDescription
            return text.contains("\"dim\"") && text.contains("n_heads") && text.contains("config.json")
        }
    }

    @Test func unsupportedActivationIsAnErrorNamingIt() throws {
        #expect { try Architectures.build(config: config(["activation": "mish"]), parameterNames: []) } throws: { error in
            error.localizedDescription.contains("mish") && error.localizedDescription.contains("activation")
        }
    }

    @Test func sequenceLongerThanThePositionTableIsAnErrorNamingInputIDs() throws {
        let model = try Architectures.build(config: config(["max_position_embeddings": 8]), parameterNames: [])
        #expect { try model.forward(metaInputs(batch: 1, length: 9, withMask: false)) } throws: { error in
            error.localizedDescription.contains("input_ids") && error.localizedDescription.contains("max_position_embeddings")
        }
    }
}
