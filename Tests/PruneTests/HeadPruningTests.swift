import Formats
import Foundation
import Models
import Prune
import Tensor
import Testing
import TestFixtures

/// Head pruning against `scripts/reference/make_prune_heads.py`: an independent PyTorch
/// implementation of FLAP-style key/value-group pruning on `llama-heads` (3 layers, 6 query heads in
/// 3 key/value groups), its chosen groups and the logits of its pruned model.
@Suite struct HeadPruningTests {
    struct Reference {
        let calibration: TokenWindows
        let probe: TokenWindows
        let cases: [[String: Any]]
        let logits: SafetensorsFile
    }

    let reference: Reference = {
        let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("heads_reference.json"))) as! [String: Any]
        let window = json["window"] as! Int
        return Reference(
            calibration: try! TokenWindows(ids: json["calibration_ids"] as! [Int], length: window, stride: window, samples: nil, source: "reference"),
            probe: try! TokenWindows(ids: json["probe_ids"] as! [Int], length: window, stride: window, samples: nil, source: "probe"),
            cases: json["cases"] as! [[String: Any]],
            logits: try! SafetensorsFile(url: folder.appendingPathComponent("heads_reference.safetensors")))
    }()

    static func options(_ reference: [String: Any], ffnSparsity: Double = 0) -> PruneOptions {
        PruneOptions(ffnSparsity: ffnSparsity, method: PruneMethod(rawValue: reference["method"] as! String)!,
                     allocation: ChannelAllocation(rawValue: reference["allocation"] as! String)!,
                     headSparsity: reference["head_sparsity"] as! Double, headLayers: reference["head_layers"] as! Double)
    }

    func prune(_ options: PruneOptions, keepShapes: Bool, into folder: URL) throws -> PruneReport {
        let output = try OutputPath(folder.path, kind: .folder(replacing: false), inputs: [Fixtures.model("llama-heads")])
        return try CheckpointPruner(directory: Fixtures.model("llama-heads"), options: options)
            .prune(calibration: try reference.calibration.batches(), to: output, keepShapes: keepShapes)
    }

    /// Logits `[length, vocabulary]` of the checkpoint in `folder` on the probe window.
    func logits(_ folder: URL) throws -> Tensor {
        try Checkpoint(directory: folder).loadModel().forward(try reference.probe.batches()[0])
    }

    @Test(arguments: 0..<5)
    func keepShapesModelGivesThePyTorchReferenceLogits(index: Int) throws {
        let expectation = reference.cases[index]
        let scratch = PruneTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let report = try prune(Self.options(expectation), keepShapes: true, into: scratch)
        let removed = (0..<3).map { layer in report.headPlans.first { $0.output == "model.layers.\(layer).self_attn.o_proj" }?.removedGroups ?? [] }
        #expect(removed == expectation["removed_kv_groups"] as? [[Int]])
        let expected = try reference.logits.tensor(named: "case\(index).logits")
        let (length, vocabulary) = (expected.shape[0], expected.shape[1])
        let actual = try logits(scratch)
        let full = try actual.floats(), width = actual.shape[2]
        let kept = (0..<length).flatMap { full[($0 * width)..<($0 * width + vocabulary)] }
        let difference = PruneTestSupport.maxAbsDiff(kept, try expected.floats())
        #expect(difference <= 1e-5, "max abs diff \(difference) from PyTorch")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.appendingPathComponent("config.json"))) as? [String: Any]
        let compensated = expectation["method"] as? String == "flap"
        #expect((config?["attention_bias"] as? Bool) == compensated)
        let names = try Checkpoint(directory: scratch).tensorNames
        for projection in ["q_proj", "k_proj", "v_proj", "o_proj"] {
            #expect(names.contains("model.layers.2.self_attn.\(projection).bias") == compensated)
        }
    }

    @Test func slimmedCheckpointGivesTheKeepShapesOutputsWithFewerGroups() throws {
        let scratch = PruneTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let options = Self.options(reference.cases[1], ffnSparsity: 0.25)
        let kept = try prune(options, keepShapes: true, into: scratch.appendingPathComponent("kept"))
        let slimmed = try prune(options, keepShapes: false, into: scratch.appendingPathComponent("slim"))
        #expect(kept.headPlans == slimmed.headPlans && kept.plans == slimmed.plans)
        #expect(slimmed.groupsRemoved == 1 && slimmed.groupsTotal == 9 && slimmed.channelsRemoved == 3 * 24)
        let difference = PruneTestSupport.maxAbsDiff(try logits(scratch.appendingPathComponent("kept")).floats(),
                                                     try logits(scratch.appendingPathComponent("slim")).floats())
        #expect(difference <= 1e-4, "max abs diff \(difference)")
        let plan = try #require(slimmed.headPlans.first)
        let checkpoint = try Checkpoint(directory: scratch.appendingPathComponent("slim"))
        #expect(try checkpoint.tensor(named: plan.qkv[1] + ".weight").shape == [2 * 8, 48])
        #expect(try checkpoint.tensor(named: plan.output + ".weight").shape == [48, 4 * 8])
    }

    /// Fused q/k/v in each known layout (GPT-2's `Conv1D` `c_attn`, Phi-3's concatenated `qkv_proj`,
    /// Falcon's grouped, GPT-NeoX's per head) and BERT's separate projections: the groups pruning
    /// zeroes are the ones slim removes, and the slimmed model gives the zeroed model's outputs.
    @Test(arguments: ["gpt2", "phi3", "falcon", "gpt_neox", "bert"])
    func fusedAndEncoderLayoutsSlimToTheKeepShapesOutputs(name: String) throws {
        let scratch = PruneTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let calibration = try TokenWindows(ids: PruneTestSupport.ids(64, vocabulary: 1000, seed: 3), length: 16, stride: 16, samples: nil, source: "ids")
        let probe = try TokenWindows(ids: PruneTestSupport.ids(16, vocabulary: 1000, seed: 4), length: 16, stride: 16, samples: nil, source: "ids")
        // Wanda-sp needs no bias: every family's config can say the result.
        let options = PruneOptions(ffnSparsity: 0, method: .wandaSP, headSparsity: 0.5)
        var reports: [PruneReport] = []
        for (folder, keepShapes) in [("kept", true), ("slim", false)] {
            let output = try OutputPath(scratch.appendingPathComponent(folder).path, kind: .folder(replacing: false), inputs: [Fixtures.model(name)])
            reports.append(try CheckpointPruner(directory: Fixtures.model(name), options: options)
                .prune(calibration: try calibration.batches(), to: output, keepShapes: keepShapes))
        }
        #expect(reports[0].headPlans == reports[1].headPlans)
        #expect(reports[1].groupsRemoved > 0 && reports[1].groupsRemoved == reports[1].groupsTotal / 2, "\(name): \(reports[1].summary)")
        #expect(reports[1].parametersAfter < reports[1].parametersBefore)
        let outputs = try ["kept", "slim"].map { try Checkpoint(directory: scratch.appendingPathComponent($0)).loadModel().forward(try probe.batches()[0]).floats() }
        let difference = PruneTestSupport.maxAbsDiff(outputs[0], outputs[1])
        #expect(difference <= 1e-4, "\(name): max abs diff \(difference)")
    }

    @Test func familiesWhoseHeadsStayAreSkippedWithAReason() throws {
        for (name, reason) in [("olmo2", "normalises"), ("bloom", "ALiBi"), ("mpnet", "adds per-head terms")] {
            let pruner = try HeadPruner(model: try Checkpoint(directory: Fixtures.model(name)).loadModel())
            #expect(pruner.blocks.isEmpty, "\(name)")
            #expect(!pruner.skipped.isEmpty && pruner.skipped.allSatisfy { $0.contains(reason) && !$0.contains("\n") }, "\(name): \(pruner.skipped)")
        }
    }

    @Test func headLayersNeedsUniformAllocation() {
        let options = PruneOptions(ffnSparsity: 0, allocation: .adaptive, headSparsity: 0.3, headLayers: 0.5)
        #expect(throws: PruneError.self) { try options.validate() }
    }
}
