import Formats
import Foundation
import Models
import NN
import Searchers
import Slim
import Tensor
import Testing
import TestFixtures

/// Every architecture slimtrace builds loads its slimmed checkpoint (sizes from the tensors) and
/// gives the outputs it gave before: each fixture is pruned in the test (half of every safe
/// feed-forward pair's channels, the last key/value group of every attention block), slimmed,
/// reloaded and run on its reference input; the `*-variant` and Falcon cases are the same families
/// in other configurations (kv ratios, head sizes, expert counts and top-k, dense layers between
/// sparse ones).
@Suite struct EveryArchitectureSlimTests {
    static let cases = ["bert", "roberta", "electra", "distilbert", "vit", "gpt2", "gptj", "opt", "llama", "llama-gqa", "mistral", "qwen2",
                        "qwen3", "gemma2", "gemma3_text", "phi3", "gpt_neox", "falcon", "bloom", "phi",
                        "mixtral", "qwen2_moe", "qwen3_moe", "xlm-roberta", "deberta-v2",
                        "qwen3-variant", "gemma2-variant", "gemma3_text-variant", "phi-variant", "bloom-variant", "falcon-mqa",
                        "falcon-sequential", "mixtral-variant", "qwen2_moe-variant", "qwen3_moe-variant"]
    /// Cases whose heads stay, with the word the refusal gives (BLOOM's ALiBi slopes follow the head index).
    static let headsKept = ["bloom": "ALiBi", "bloom-variant": "ALiBi"]

    @Test(arguments: cases)
    func slimmedCheckpointLoadsAndGivesTheSameOutputs(_ name: String) throws {
        let source = try Checkpoint(directory: Fixtures.model(name))
        let model = try source.loadModel()
        let inputs = try SlimTestSupport.referenceInputs(name)
        let (pruned, blocks) = try SlimTestSupport.prune(model, channels: { _, width in Array(stride(from: 0, to: width, by: 2)) },
                                                         groups: { _, kv in [kv - 1] })
        #expect(pruned > 0)

        // Write the pruned model as a checkpoint (same names as the source), then slim it.
        let prunedFolder = try SlimTestSupport.writeCheckpoint(model, like: source, label: "every-\(name)")
        let output = SlimTestSupport.temporaryFolder("every-\(name)-slim")
        defer {
            try? FileManager.default.removeItem(at: prunedFolder)
            try? FileManager.default.removeItem(at: output)
        }
        let before = try model.forward(inputs)

        let report = try CheckpointSlimmer(directory: prunedFolder).slim(to: output)
        #expect(!report.nothingToSlim)
        // A block with one key/value group (multi-query) had all its heads zeroed: they stay.
        let keptHeadsReason = Self.headsKept[name] ?? (blocks.allSatisfy { $0.numKVHeads == 1 } ? "one group must stay" : nil)
        #expect(report.changes.count == pruned - (keptHeadsReason == nil ? 0 : blocks.count), "\(name): \(report.skipped.map(\.reason))")
        if let keptHeadsReason {
            #expect(report.skipped.filter { $0.kind == .heads }.allSatisfy { $0.reason.contains(keptHeadsReason) })
        }
        let slimmed = try Checkpoint(directory: output).loadModel()
        #expect(slimmed.namedParameters().count == model.namedParameters().count)
        let after = try slimmed.forward(inputs)
        let difference = try SlimTestSupport.maxAbsDiff(after, before)
        print("\(name): \(report.changes.count) changes, \(report.parametersRemoved) parameters removed, max abs diff \(difference)")
        #expect(difference <= 1e-5, "\(name): \(difference)")
        // Traced and searched again: every attention block reports its remaining heads, each of
        // the head size it had before.
        let again = try TraceSearcher(model: slimmed, graph: slimmed.trace(PlaceholderInputs.make(for: slimmed, shape: nil, dtype: nil)))
        let slimmedBlocks = SelfMHASearcher(trace: again).search()
        #expect(slimmedBlocks.count == blocks.count)
        for (block, (original, change)) in zip(slimmedBlocks, zip(blocks, report.changes.filter { $0.kind == .heads })) {
            #expect(block.numHeads == change.after, "\(name): \(block.qkv)")
            #expect(block.headSize == original.headSize, "\(name): \(block.qkv)")
        }
    }
}
