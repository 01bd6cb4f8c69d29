import Formats
import Foundation
import Testing
import Tensor
import TestFixtures
import Tracer
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

    @Test func logitsMatchPyTorchWithin1e4() throws {
        let comparison = try ReferenceChecks.logitsMatch(case: "distilbert")
        #expect(comparison.shape == comparison.expectedShape, "\(comparison)")
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
    }

    @Test func moduleTreeEqualsPyTorchNamedModules() throws {
        let (swiftTree, pytorch) = try ReferenceChecks.moduleTrees(case: "distilbert")
        let expected = try #require(pytorch)
        #expect(swiftTree == expected)
        if swiftTree != expected, let first = zip(swiftTree, expected).first(where: { $0 != $1 }) {
            Issue.record("first difference: slimtrace \(first.0), PyTorch \(first.1)")
        }
    }

    @Test func rightPaddingUnderTheAttentionMaskLeavesTheLogitsUnchanged() throws {
        let model = try Checkpoint(directory: Fixtures.model("distilbert")).loadModel()
        let reference = try #require(ReferenceChecks.referenceInputs(case: "distilbert")["input_ids"])
        let length = reference.shape[1]
        let padded = try Tensor(integers: reference.integers() + [0, 0, 0], shape: [1, length + 3])
        let mask = try Tensor(integers: Array(repeating: 1, count: length) + [0, 0, 0], shape: [1, length + 3])
        let plain = try model.forward(ModelInputs([("input_ids", reference)]))
        let masked = try model.forward(ModelInputs([("input_ids", padded), ("attention_mask", mask)]))
        let comparison = try ReferenceChecks.compare(masked, with: plain, caseName: "distilbert")
        #expect(comparison.maxAbsDiff <= 1e-5, "\(comparison)")
        let unmasked = try model.forward(ModelInputs([("input_ids", padded)]))
        #expect(try ReferenceChecks.compare(unmasked, with: plain, caseName: "distilbert").maxAbsDiff > 1e-5)
    }

    @Test func traceCallsEveryLeafModuleButTheUnusedAttentionDropoutAndAttendsThroughMatmuls() throws {
        let model = try Architectures.build(config: config(["n_layers": 3]), parameterNames: [])
        let (_, graph) = try Tracer.trace(model: model, inputs: [("input_ids", .meta(shape: [1, 16], dtype: .i64))]) { inputs in
            try model.forward(ModelInputs([("input_ids", inputs[0])]))
        }
        let called = Set(graph.nodes.filter(\.isOp).compactMap { $0.scope?.path })
        // Hugging Face's eager attention applies functional dropout, never `attention.dropout`.
        let leaves = model.namedModules().filter { $0.module.children.isEmpty && !$0.path.hasSuffix("attention.dropout") }
        #expect(leaves.map(\.path).filter { !called.contains($0) } == [])
        #expect(graph.nodes.filter { $0.op == .matmul }.count == 2 * 3)
        #expect(graph.parameterValues.count == model.namedParameters().count)
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

    @Test func labelCountComesFromNumLabelsWithoutId2label() throws {
        let model = try Architectures.build(config: config(["num_labels": 4]), parameterNames: [])
        #expect(try model.forward(metaInputs(batch: 1, length: 5, withMask: false)).shape == [1, 4])
        #expect { try Architectures.build(config: config(["num_labels": 0]), parameterNames: []) } throws: { error in
            error.localizedDescription.contains("num_labels")
        }
    }

    @Test func baseModelReturnsLastHiddenState() throws {
        let model = try Architectures.build(config: config(["architectures": ["DistilBertModel"]]), parameterNames: [])
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
