import Formats
import Foundation
import Models
import Prune
import Tensor
import Testing
import TestFixtures

@Suite struct CheckpointPrunerTests {
    let calibration = try! TokenWindows(ids: PruneTestSupport.ids(64, vocabulary: 1000, seed: 1), length: 16, stride: 16, samples: nil, source: "ids")
    let probe = try! TokenWindows(ids: PruneTestSupport.ids(24, vocabulary: 1000, seed: 2), length: 24, stride: 24, samples: nil, source: "ids")

    func prune(_ method: PruneMethod, allocation: ChannelAllocation, keepShapes: Bool, into folder: URL) throws -> PruneReport {
        let output = try OutputPath(folder.path, kind: .folder(replacing: false), inputs: [Fixtures.model("llama")])
        return try CheckpointPruner(directory: Fixtures.model("llama"), options: PruneOptions(ffnSparsity: 0.25, method: method, allocation: allocation))
            .prune(calibration: try calibration.batches(), to: output, keepShapes: keepShapes)
    }

    func logits(_ folder: URL) throws -> [Float] {
        try Checkpoint(directory: folder).loadModel().forward(try probe.batches()[0]).floats()
    }

    @Test(arguments: [(PruneMethod.obs, ChannelAllocation.uniform), (.obs, .adaptive), (.flap, .uniform), (.flap, .adaptive),
                      (.wandaSP, .uniform), (.magnitude, .adaptive)])
    func slimmedCheckpointGivesTheKeepShapesOutputs(method: PruneMethod, allocation: ChannelAllocation) throws {
        let scratch = PruneTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let kept = try prune(method, allocation: allocation, keepShapes: true, into: scratch.appendingPathComponent("kept"))
        let slimmed = try prune(method, allocation: allocation, keepShapes: false, into: scratch.appendingPathComponent("slim"))
        #expect(kept.plans == slimmed.plans)
        #expect(kept.channelsRemoved == 2 * 32 && kept.channelsTotal == 2 * 128)
        let removed = kept.plans.reduce(0) { $0 + $1.removed.count }
        // down, gate and up lose 64 hidden-size values per removed channel; FLAP adds the MLP
        // biases (128 + 128 + 64 per layer) and slimming takes the removed channels' gate/up bias
        // (so does OBS).
        let added = method.compensatesBias ? 2 * (128 + 128 + 64) - 2 * removed : 0
        #expect(slimmed.parametersAfter == slimmed.parametersBefore - removed * 3 * 64 + added)
        let difference = PruneTestSupport.maxAbsDiff(try logits(scratch.appendingPathComponent("kept")), try logits(scratch.appendingPathComponent("slim")))
        #expect(difference <= 1e-4, "max abs diff \(difference)")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.appendingPathComponent("kept/config.json"))) as? [String: Any]
        #expect((config?["mlp_bias"] as? Bool) == method.compensatesBias)
        #expect(kept.addedBiases == (method.compensatesBias ? 6 : 0))
        let shapes = try Checkpoint(directory: scratch.appendingPathComponent("kept")).tensorNames
        #expect(shapes.contains("model.layers.0.mlp.down_proj.bias") == method.compensatesBias)
    }

    @Test func zeroSparsityChangesNothing() throws {
        let scratch = PruneTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = try OutputPath(scratch.path, kind: .folder(replacing: false), inputs: [Fixtures.model("llama")])
        let report = try CheckpointPruner(directory: Fixtures.model("llama"), options: PruneOptions(ffnSparsity: 0))
            .prune(calibration: try calibration.batches(), to: output, keepShapes: true)
        #expect(report.channelsRemoved == 0)
        let difference = PruneTestSupport.maxAbsDiff(try logits(Fixtures.model("llama")), try logits(scratch))
        #expect(difference <= 1e-6, "max abs diff \(difference)")
    }

    @Test func perplexityEqualsThePyTorchReference() throws {
        let url = try #require(Bundle.module.url(forResource: "llama_perplexity", withExtension: "json", subdirectory: "Fixtures"))
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let windows = try TokenWindows(ids: try #require(reference["ids"] as? [Int]), length: try #require(reference["window"] as? Int),
                                       stride: try #require(reference["stride"] as? Int), samples: nil, source: "reference")
        let result = try Perplexity(model: try Checkpoint(directory: Fixtures.model("llama")).loadModel(), windows: windows)
        #expect(result.windows == reference["windows"] as? Int)
        #expect(result.predictions == reference["predictions"] as? Int)
        let expected = try #require(reference["mean_nll"] as? Double)
        #expect(abs(result.meanNLL - expected) < 1e-5, "mean NLL \(result.meanNLL) vs PyTorch \(expected)")
    }
}
