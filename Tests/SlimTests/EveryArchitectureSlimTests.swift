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
/// reloaded and run on its reference input.
@Suite struct EveryArchitectureSlimTests {
    static let cases = ["bert", "roberta", "electra", "distilbert", "vit", "gpt2", "gptj", "opt", "llama", "llama-gqa", "mistral", "qwen2",
                        "qwen3", "gemma2", "gemma3_text", "phi3", "gpt_neox", "falcon", "bloom", "phi",
                        "mixtral", "qwen2_moe", "qwen3_moe", "xlm-roberta"]
    /// Cases whose heads stay, with the word the refusal gives (BLOOM's ALiBi slopes follow the head index).
    static let headsKept = ["bloom": "ALiBi"]

    /// Zeroes channels `indices` on the input (`input: true`) or output side of the linear at `path`.
    static func zero(_ model: Module, _ path: String, input: Bool, _ indices: [Int]) throws {
        let module = try ModulePaths.attribute(of: model, path: path)
        let (weight, outputAxis): (Parameter, Int) = switch module {
        case let linear as Linear: (linear.weight, 0)
        case let conv as Conv1D: (conv.weight, 1)
        default: throw SlimError.unsupportedModule(path: path, detail: "not a linear")
        }
        let axis = input ? 1 - outputAxis : outputAxis
        let shape = weight.shape
        var values = try weight.tensor.floats()
        let chosen = Set(indices)
        for row in 0..<shape[0] {
            for column in 0..<shape[1] where chosen.contains(axis == 0 ? row : column) { values[row * shape[1] + column] = 0 }
        }
        weight.tensor = try Tensor(values, shape: shape)
    }

    @Test(arguments: cases)
    func slimmedCheckpointLoadsAndGivesTheSameOutputs(_ name: String) throws {
        let source = try Checkpoint(directory: Fixtures.model(name))
        let model = try source.loadModel()
        let inputs = try SlimTestSupport.referenceInputs(name)
        let trace = try TraceSearcher(model: model, graph: model.trace(PlaceholderInputs.make(for: model, shape: nil, dtype: nil)))
        var pruned = 0
        for finding in Linear2LinearSearcher(trace: trace).search() where finding.safe {
            let root = try ModulePaths.attribute(of: model, path: finding.rootLinear)
            let inFeatures = (root as? Linear)?.inFeatures ?? (root as? Conv1D)!.inFeatures
            try Self.zero(model, finding.rootLinear, input: true, Array(stride(from: 0, to: inFeatures, by: 2)))
            pruned += 1
        }
        let blocks = SelfMHASearcher(trace: trace).search()
        for block in blocks {
            let (heads, kv, size) = (try #require(block.numHeads), try #require(block.numKVHeads), try #require(block.headSize))
            let group = heads / kv
            let queryHeads = Array(((kv - 1) * group)..<(kv * group))
            let queryChannels = SlimTestSupport.headChannels(queryHeads, size: size)
            let kvChannels = SlimTestSupport.headChannels([kv - 1], size: size)
            if block.fusedQKV {
                let layout = try #require(block.qkvLayout).channels(heads: heads, keyValueHeads: kv, headSize: size)
                try Self.zero(model, block.qkv[0], input: false, queryHeads.flatMap { layout.query[$0] }
                    + Array(layout.key[kv - 1]) + Array(layout.value[kv - 1]))
            } else {
                try Self.zero(model, block.qkv[0], input: false, queryChannels)
                try Self.zero(model, block.qkv[1], input: false, kvChannels)
                try Self.zero(model, block.qkv[2], input: false, kvChannels)
            }
            try Self.zero(model, block.ffn[0], input: true, queryChannels)
            pruned += 1
        }
        #expect(pruned > 0)

        // Write the pruned model as a checkpoint (same names as the source), then slim it.
        let prunedFolder = SlimTestSupport.temporaryFolder("every-\(name)")
        let output = SlimTestSupport.temporaryFolder("every-\(name)-slim")
        defer {
            try? FileManager.default.removeItem(at: prunedFolder)
            try? FileManager.default.removeItem(at: output)
        }
        try FileManager.default.createDirectory(at: prunedFolder, withIntermediateDirectories: true)
        try source.config.data.write(to: prunedFolder.appendingPathComponent("config.json"))
        let parameters = Dictionary(model.namedParameters().map { ($0.name, $0.parameter) }, uniquingKeysWith: { first, _ in first })
        let names = source.files.flatMap { $0.entries.map(\.name) }
        try SafetensorsWriter.write(try names.map { ($0, try parameters[$0]?.tensor ?? source.tensor(named: $0)) },
                                    to: prunedFolder.appendingPathComponent("model.safetensors"))
        let before = try model.forward(inputs)

        let report = try CheckpointSlimmer(directory: prunedFolder).slim(to: output)
        #expect(!report.nothingToSlim)
        let keptHeadsReason = Self.headsKept[name]
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
