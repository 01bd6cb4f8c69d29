import Foundation
import Models
import Slim
import SlimtraceCLI
import Tensor
import Testing
import TestFixtures

/// `--uniform`: the same amount from every layer, only what the family's config can say, and a
/// `config.json` from which Hugging Face (and slimtrace without the `slimtrace` section) sizes
/// every tensor. `scripts/check-hf-loadable.sh` loads the same results in transformers 5.24.
@Suite struct UniformSlimTests {
    /// The families whose config cannot say a uniform slim, so `--uniform` slims nothing there and
    /// says why: the routed-experts families keep expert widths under keys it does not write yet,
    /// and BLOOM's feed-forward width is always 4 × hidden_size.
    static let inexpressibleCases: Set<String> = ["mixtral", "qwen2_moe", "qwen3_moe", "bloom"]
    static let cases = EveryArchitectureSlimTests.cases.filter { !inexpressibleCases.contains(modelType(of: $0)) } + ["olmo2"]

    /// The `model_type` of fixture `name` (variants are their family's).
    static func modelType(of name: String) -> String {
        let url = Fixtures.model(name).appendingPathComponent("config.json")
        let object = (try? Data(contentsOf: url)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return object?["model_type"] as? String ?? name
    }

    /// The written config as a dictionary.
    static func config(_ folder: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json"))) as? [String: Any])
    }

    /// Slims `folder` uniformly into a new folder; the report and the folder.
    static func slimUniformly(_ folder: URL, label: String) throws -> (SlimReport, URL) {
        let output = SlimTestSupport.temporaryFolder("uniform-\(label)")
        return (try CheckpointSlimmer(directory: folder, options: SlimOptions(uniform: true)).slim(to: output), output)
    }

    @Test func everyRegisteredFamilyDeclaresItsConfigSizeKeys() {
        let unknown = Architectures.supportedModelTypes.filter { Architectures.configSizeKeys(modelType: $0) == nil }
        #expect(Set(unknown) == Self.inexpressibleCases, "no config size keys: \(unknown)")
        #expect(Architectures.configSizeKeys(modelType: "t5") == nil)
    }

    @Test(arguments: inexpressibleCases.sorted())
    func familiesWhoseConfigCannotSayItSlimNothingUniformlyAndSayWhy(_ name: String) throws {
        let (report, output) = try Self.slimUniformly(Fixtures.model(name), label: name)
        defer { try? FileManager.default.removeItem(at: output) }
        #expect(report.changes.isEmpty, "\(name): \(report.changes.map(\.modules))")
        #expect(report.notes.contains { $0.contains("does not know which config keys") }, "\(name): \(report.notes)")
    }

    @Test(arguments: cases)
    func everyFamilyLoadsFromItsConfigAloneWithTheSameOutputs(_ name: String) throws {
        // Even layers lose half their channels and their last group; odd ones three quarters and
        // their last two groups (all of them when there are two: the last then stays).
        let source = try Checkpoint(directory: Fixtures.model(name))
        let model = try source.loadModel()
        try SlimTestSupport.prune(model, channels: { index, width in (0..<width).filter { index % 2 == 0 ? $0 % 2 == 0 : $0 % 4 != 3 } },
                                  groups: { index, kv in index % 2 == 0 ? [kv - 1] : Array(max(0, kv - 2)..<kv) })
        let pruned = try SlimTestSupport.writeCheckpoint(model, like: source, label: "uniform-pruned-\(name)")
        let (report, output) = try Self.slimUniformly(pruned, label: name)
        defer {
            try? FileManager.default.removeItem(at: pruned)
            try? FileManager.default.removeItem(at: output)
        }
        let form = try #require(report.huggingFace)
        #expect(form.loads, "\(name): \(form.reason ?? "")")
        let channels = report.changes.filter { $0.kind == .channels }
        #expect(!channels.isEmpty && Set(channels.map(\.after)).count == 1, "\(name): \(channels.map(\.after))")
        let heads = report.changes.filter { $0.kind == .heads }
        #expect(Set(heads.map { [$0.after, $0.keyValueHeadsAfter ?? $0.after] }).count <= 1, "\(name)")
        let config = try Self.config(output)
        for setting in form.settings {
            #expect(config[setting.key] as? Int == setting.value, "\(name): \(setting.key)")
        }
        let keys = try #require(Architectures.configSizeKeys(modelType: source.config.modelType))
        #expect(form.settings.first?.key == keys.feedForward)
        if case .derived = keys.heads {
            #expect(heads.isEmpty && report.notes.count == 1, "\(name): \(report.notes)")
        }

        // Without the slimtrace section every tensor must have the shape the config gives it.
        try SlimTestSupport.removeSlimtraceSection(output)
        let inputs = try SlimTestSupport.referenceInputs(name)
        let difference = try SlimTestSupport.maxAbsDiff(try Checkpoint(directory: output).loadModel().forward(inputs), model.forward(inputs))
        print("\(name): uniform slim \(form.settings.map { "\($0.key) \($0.value)" }), \(report.parametersRemoved) parameters removed, max abs diff \(difference)")
        #expect(difference <= 1e-5, "\(name): \(difference)")
    }

    @Test func everyLayerLosesTheLeastAnyLayerCanLoseItsLowestIndexZeroChannels() throws {
        // llama: layer 0 has 100 zero channels (96 removable at round 32), layer 1 has 70 (64).
        let zeros = [Array(stride(from: 1, to: 128, by: 1).prefix(100)), Array(stride(from: 0, to: 128, by: 2).suffix(60)) + [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]]
        let pruned = try SlimTestSupport.prunedCopy(of: "llama") { tensors in
            for layer in 0..<2 { SlimTestSupport.zeroColumns(&tensors["model.layers.\(layer).mlp.down_proj.weight"]!, zeros[layer]) }
        }
        let (report, output) = try Self.slimUniformly(pruned, label: "llama-channels")
        defer {
            try? FileManager.default.removeItem(at: pruned)
            try? FileManager.default.removeItem(at: output)
        }
        let channels = report.changes.filter { $0.kind == .channels }
        #expect(channels.map(\.after) == [64, 64])
        #expect(channels.map(\.zeroChannels) == [100, 70])
        for (change, zero) in zip(channels, zeros) {
            #expect(change.removed == Array(zero.sorted().prefix(64)))
        }
        #expect(try Self.config(output)["intermediate_size"] as? Int == 64)
        #expect(report.huggingFace?.runtimes(uniform: true) == "loads in slimtrace and ONNX export (`slimtrace export`), and in Hugging Face transformers (config.json: intermediate_size 64)")
        let section = try #require(try SlimTestSupport.slimtraceSection(output))
        #expect((section["original_config"] as? [String: Any])?["intermediate_size"] as? Int == 128)
    }

    @Test func headsGoInWholeKeyValueGroupsTheSameNumberInEveryLayer() throws {
        // llama-gqa (4 query heads, 2 key/value heads of 16): layer 0 has group 0 zero and query
        // head 3 zero alone; layer 1 has both groups zero (one must stay). One group goes from each.
        let pruned = try SlimTestSupport.prunedCopy(of: "llama-gqa") { tensors in
            for (layer, queryHeads, groups) in [(0, [0, 1, 3], [0]), (1, [0, 1, 2, 3], [0, 1])] {
                let prefix = "model.layers.\(layer).self_attn."
                SlimTestSupport.zeroRows(&tensors[prefix + "q_proj.weight"]!, SlimTestSupport.headChannels(queryHeads, size: 16))
                SlimTestSupport.zeroRows(&tensors[prefix + "k_proj.weight"]!, SlimTestSupport.headChannels(groups, size: 16))
                SlimTestSupport.zeroRows(&tensors[prefix + "v_proj.weight"]!, SlimTestSupport.headChannels(groups, size: 16))
                SlimTestSupport.zeroColumns(&tensors[prefix + "o_proj.weight"]!, SlimTestSupport.headChannels(queryHeads, size: 16))
            }
        }
        let (report, output) = try Self.slimUniformly(pruned, label: "llama-gqa-heads")
        defer {
            try? FileManager.default.removeItem(at: pruned)
            try? FileManager.default.removeItem(at: output)
        }
        let heads = report.changes.filter { $0.kind == .heads }
        #expect(heads.map(\.removed) == [[0, 1], [0, 1]])
        #expect(heads.map(\.removedKeyValueHeads) == [[0], [0]])
        let config = try Self.config(output)
        #expect(config["num_attention_heads"] as? Int == 2)
        #expect(config["num_key_value_heads"] as? Int == 1)
        #expect(config["head_dim"] as? Int == 16)
        try SlimTestSupport.removeSlimtraceSection(output)
        let inputs = try SlimTestSupport.referenceInputs("llama-gqa")
        let difference = try SlimTestSupport.maxAbsDiff(try Checkpoint(directory: output).loadModel().forward(inputs),
                                                        try Checkpoint(directory: pruned).loadModel().forward(inputs))
        #expect(difference <= 1e-5)
    }

    @Test func bertsHeadsAreLeftWithTheReasonWhileItsChannelsAreSlimmed() throws {
        let (report, output) = try Self.slimUniformly(Fixtures.model("bert-pruned"), label: "bert")
        defer { try? FileManager.default.removeItem(at: output) }
        #expect(report.changes.allSatisfy { $0.kind == .channels && $0.after == 64 } && report.changes.count == 2)
        #expect(report.notes == ["--uniform: heads left as they are: the config derives the head size (hidden_size / num_attention_heads), so it cannot say fewer heads"])
        #expect(report.table().contains(report.notes[0]))
        let config = try Self.config(output)
        #expect(config["intermediate_size"] as? Int == 64)
        #expect(config["num_attention_heads"] as? Int == 4)
        #expect(report.huggingFace?.loads == true)
        try SlimTestSupport.removeSlimtraceSection(output)
        let logits = try Checkpoint(directory: output).loadModel().forward(SlimTestSupport.referenceInputs("bert-pruned"))
        #expect(try SlimTestSupport.maxAbsDiff(logits, SlimTestSupport.referenceLogits("bert-pruned")) <= 1e-5)
    }

    @Test func aPlainSlimSaysWhichRuntimesLoadIt() throws {
        // BERT's per-layer slim removes heads its config cannot say: slimtrace only.
        let bert = try CheckpointSlimmer(directory: Fixtures.model("bert-pruned")).dryRun()
        #expect(bert.huggingFace?.loads == false && bert.huggingFace?.settings == [])
        #expect(bert.huggingFace?.reason == "its config cannot say fewer heads (the head size is hidden_size / num_attention_heads)")
        #expect(bert.table().contains("loads in slimtrace and ONNX export (`slimtrace export`); not in Hugging Face transformers: its config cannot say fewer heads"
                                      + " (the head size is hidden_size / num_attention_heads) (--uniform slims to sizes the config can say)"))

        // Different widths per layer: slimtrace only, and the config keeps its sizes.
        let uneven = try SlimTestSupport.prunedCopy(of: "llama") { tensors in
            SlimTestSupport.zeroColumns(&tensors["model.layers.0.mlp.down_proj.weight"]!, Array(0..<64))
            SlimTestSupport.zeroColumns(&tensors["model.layers.1.mlp.down_proj.weight"]!, Array(0..<96))
        }
        let output = SlimTestSupport.temporaryFolder("uneven")
        defer {
            try? FileManager.default.removeItem(at: uneven)
            try? FileManager.default.removeItem(at: output)
        }
        let report = try CheckpointSlimmer(directory: uneven).slim(to: output)
        #expect(report.huggingFace?.reason == "per-layer sizes (intermediate_size 64 in model.layers.0, 32 in model.layers.1)")
        #expect(try Self.config(output)["intermediate_size"] as? Int == 128)

        // LLaMA's per-layer slim that happens to be uniform: the config says it and it loads.
        let llama = try CheckpointSlimmer(directory: Fixtures.model("llama-pruned")).dryRun()
        #expect(llama.huggingFace?.loads == true)
        #expect(llama.huggingFace?.settings.map(\.key) == ["intermediate_size", "num_attention_heads", "num_key_value_heads", "head_dim"])
    }
}
