import Foundation
import Models
import Searchers
import Slim
import SlimtraceCLI
import Tensor
import Testing
import TestFixtures

/// Slimming the pruned fixtures: the shapes INC's `model_slim` produced, PyTorch's logits kept,
/// and beyond INC the LLaMA heads it cannot slim.
@Suite struct FixtureSlimTests {
    /// INC's `shapes_after` of a pruned fixture.
    static func incShapesAfter(_ name: String) throws -> [String: [Int]] {
        let json = try #require(try Fixtures.json("inc_slim_expected.json", of: name) as? [String: Any])
        return try #require(json["shapes_after"] as? [String: [Int]])
    }

    /// Every parameter's shape in a loaded model, by its dotted name (tied names included).
    static func parameterShapes(_ model: any TransformerModel) -> [String: [Int]] {
        Dictionary(model.namedParameters().map { ($0.name, $0.parameter.shape) }, uniquingKeysWith: { first, _ in first })
    }

    @Test(arguments: ["bert-pruned", "opt-pruned"])
    func everyTensorShapeEqualsINCsAndTheLogitsEqualPyTorchs(_ name: String) throws {
        let output = SlimTestSupport.temporaryFolder(name)
        defer { try? FileManager.default.removeItem(at: output) }
        let report = try CheckpointSlimmer(directory: Fixtures.model(name)).slim(to: output)
        #expect(report.maxAbsDiff <= 1e-5, "\(report.summary)")

        let model = try Checkpoint(directory: output).loadModel()
        let shapes = Self.parameterShapes(model)
        let expected = try Self.incShapesAfter(name)
        #expect(Set(shapes.keys) == Set(expected.keys))
        for (tensor, shape) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(shapes[tensor] == shape, "\(name): \(tensor) is \(String(describing: shapes[tensor])), INC \(shape)")
        }
        for (tensor, shape) in try SlimTestSupport.shapes(output) {
            #expect(expected[tensor] == shape, "\(name): stored \(tensor) is \(shape), INC \(String(describing: expected[tensor]))")
        }

        let logits = try model.forward(SlimTestSupport.referenceInputs(name))
        let difference = try SlimTestSupport.maxAbsDiff(logits, SlimTestSupport.referenceLogits(name))
        print("\(name): slimmed logits vs PyTorch's unslimmed logits, max abs diff \(difference); in-slim verification diff \(report.maxAbsDiff)")
        #expect(difference <= 1e-5, "\(name): max abs diff \(difference)")
    }

    @Test func llamaLosesHeadsOneAndThreeWhereINCsHeadSlimFailsAndHalfItsFeedForwardChannels() throws {
        let name = "llama-pruned"
        let inc = try #require(try Fixtures.json("inc_slim_expected.json", of: name) as? [String: Any])
        #expect(inc["mha"] as? String != "ok", "the fixture records INC's head slim failing on LLaMA")
        let output = SlimTestSupport.temporaryFolder(name)
        defer { try? FileManager.default.removeItem(at: output) }
        let report = try CheckpointSlimmer(directory: Fixtures.model(name)).slim(to: output)

        let heads = report.changes.filter { $0.kind == .heads }
        #expect(heads.map(\.layer) == ["model.layers.0", "model.layers.1"])
        #expect(heads.allSatisfy { $0.removed == [1, 3] && $0.before == 4 && $0.after == 2 })
        let shapes = try SlimTestSupport.shapes(output)
        let expected = try Self.incShapesAfter(name)
        for layer in 0..<2 {
            let prefix = "model.layers.\(layer)."
            for projection in ["q_proj", "k_proj", "v_proj"] {
                #expect(shapes[prefix + "self_attn.\(projection).weight"] == [32, 64])
            }
            #expect(shapes[prefix + "self_attn.o_proj.weight"] == [64, 32])
            for projection in ["gate_proj", "up_proj", "down_proj"] {
                let tensor = prefix + "mlp.\(projection).weight"
                #expect(shapes[tensor] == expected[tensor], "\(tensor): \(String(describing: shapes[tensor])), INC \(String(describing: expected[tensor]))")
            }
        }
        // Everything outside the attention blocks is as INC left it.
        for (tensor, shape) in expected where !tensor.contains("self_attn") {
            #expect(shapes[tensor] == shape, "\(tensor)")
        }

        // The kept heads are the original heads 0 and 2, rows and columns in place.
        let source = try Checkpoint(directory: Fixtures.model(name))
        let slimmed = try Checkpoint(directory: output)
        let originalQuery = try source.tensor(named: "model.layers.0.self_attn.q_proj.weight").floats()
        let slimmedQuery = try slimmed.tensor(named: "model.layers.0.self_attn.q_proj.weight").floats()
        #expect(Array(slimmedQuery[0..<(16 * 64)]) == Array(originalQuery[0..<(16 * 64)]))
        #expect(Array(slimmedQuery[(16 * 64)..<(32 * 64)]) == Array(originalQuery[(32 * 64)..<(48 * 64)]))

        let section = try #require(try SlimTestSupport.slimtraceSection(output))
        let layer = try #require((section["layers"] as? [String: Any])?["model.layers.0"] as? [String: Any])
        #expect(layer["removed_heads"] as? [Int] == [1, 3])
        #expect(layer["num_attention_heads"] as? Int == 2)
        #expect(layer["intermediate_size"] as? Int == 64)

        let logits = try Checkpoint(directory: output).loadModel().forward(SlimTestSupport.referenceInputs(name))
        let difference = try SlimTestSupport.maxAbsDiff(logits, SlimTestSupport.referenceLogits(name))
        print("\(name): slimmed logits vs PyTorch's, max abs diff \(difference); in-slim verification diff \(report.maxAbsDiff)")
        #expect(difference <= 1e-5, "max abs diff \(difference)")
    }

    @Test func aCheckpointWithNothingZeroedSlimsToItselfAndSaysSo() throws {
        let output = SlimTestSupport.temporaryFolder("bert-unpruned")
        defer { try? FileManager.default.removeItem(at: output) }
        let report = try CheckpointSlimmer(directory: Fixtures.model("bert")).slim(to: output)
        #expect(report.nothingToSlim)
        #expect(report.changes.isEmpty)
        #expect(report.parametersRemoved == 0)
        #expect(report.maxAbsDiff == 0)
        #expect(report.summary.contains("nothing to slim"))
        #expect(report.table().contains("nothing to slim"))
        #expect(report.skipped.count == 4, "two feed-forward pairs and two attention blocks, each with its reason")

        let source = try Checkpoint(directory: Fixtures.model("bert"))
        let copy = try Checkpoint(directory: output)
        #expect(copy.tensorNames == source.tensorNames)
        for name in source.tensorNames {
            let original = try source.tensor(named: name), written = try copy.tensor(named: name)
            let same = try written.shape == original.shape && written.dtype == original.dtype && written.floats() == original.floats()
            #expect(same, "\(name)")
        }
        let section = try #require(try SlimTestSupport.slimtraceSection(output))
        #expect((section["layers"] as? [String: Any])?.isEmpty == true)
        #expect(section["round"] as? Int == 32)
    }

    @Test func theWrittenCheckpointLoadsRunsIsTracedAndSearchedAndSlimsNoFurther() throws {
        let output = SlimTestSupport.temporaryFolder("bert-reload")
        defer { try? FileManager.default.removeItem(at: output) }
        try CheckpointSlimmer(directory: Fixtures.model("bert-pruned")).slim(to: output)

        let checkpoint = try Checkpoint(directory: output)
        #expect(checkpoint.config.isSlimmed)
        let model = try checkpoint.loadModel()
        let logits = try model.forward(SlimTestSupport.referenceInputs("bert-pruned"))
        #expect(logits.shape == [1, 3])

        let trace = try TraceSearcher(model: model, graph: model.trace(PlaceholderInputs.make(for: model, shape: nil, dtype: nil)))
        let pairs = Linear2LinearSearcher(trace: trace).search()
        #expect(pairs.filter(\.safe).map(\.rootLinear) == ["bert.encoder.layer.0.output.dense", "bert.encoder.layer.1.output.dense"])
        let blocks = SelfMHASearcher(trace: trace).search()
        #expect(blocks.count == 2)
        #expect(blocks.allSatisfy { $0.numHeads == 2 && $0.numKVHeads == 2 && $0.headSize == 16 })

        let again = try CheckpointSlimmer(checkpoint: checkpoint).dryRun()
        #expect(again.nothingToSlim, "\(again.summary)")
    }

    @Test func withoutASlimtraceSectionANarrowerTensorIsStillAShapeError() throws {
        let output = SlimTestSupport.temporaryFolder("bert-strict")
        defer { try? FileManager.default.removeItem(at: output) }
        try CheckpointSlimmer(directory: Fixtures.model("bert-pruned")).slim(to: output)
        try SlimTestSupport.removeSlimtraceSection(output)
        #expect { try Checkpoint(directory: output).loadModel() } throws: { error in
            guard case .shapeMismatch = error as? ModelError else { return false }
            return true
        }
    }
}
