import Formats
import Foundation
import NN
import Testing
import Tensor
import TestFixtures
import Tracer
@testable import Models

@Suite struct LlamaFamilyTests {
    // MARK: Helpers

    /// A fixture's `config.json` with `changes` applied (a `NSNull()` value removes nothing but sets `null`).
    static func config(of name: String, changing changes: [String: Any] = [:]) throws -> ConfigFile {
        let url = Fixtures.model(name).appendingPathComponent("config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        for (key, value) in changes { object[key] = value }
        return try ConfigFile(data: JSONSerialization.data(withJSONObject: object), url: url)
    }

    /// A config built from scratch (no checkpoint), for shape-only runs.
    static func config(_ object: [String: Any]) throws -> ConfigFile {
        try ConfigFile(data: JSONSerialization.data(withJSONObject: object), url: URL(fileURLWithPath: "/tmp/llama-test/config.json"))
    }

    /// The fixture's weights loaded into the model `config` describes.
    static func loadedModel(_ name: String, config: ConfigFile) throws -> any TransformerModel {
        let checkpoint = try Checkpoint(directory: Fixtures.model(name))
        let model = try Architectures.build(config: config, parameterNames: checkpoint.tensorNames)
        try checkpoint.load(into: model)
        return model
    }

    /// Token ids `[1, count]` (deterministic, inside a 1000-token vocabulary).
    static func tokens(_ count: Int, replacingFirstWith first: Int? = nil) throws -> Tensor {
        var ids = (0..<count).map { ($0 * 37 + 11) % 1000 }
        if let first { ids[0] = first }
        return try Tensor(integers: ids, shape: [1, count])
    }

    /// Logits `[length, vocab]` rows of a `[1, length, vocab]` output.
    static func rows(_ logits: Tensor) throws -> [[Float]] {
        let values = try logits.floats()
        let vocabulary = logits.shape[2]
        return (0..<logits.shape[1]).map { Array(values[$0 * vocabulary..<($0 + 1) * vocabulary]) }
    }

    static func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// A LLaMA-3-70B-shaped config: 80 layers, hidden 8192, 64 heads over 8 key/value heads,
    /// intermediate 28672, vocabulary 128256, LLaMA 3 rope scaling.
    static var llama70B: [String: Any] { [
        "model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "hidden_size": 8192, "intermediate_size": 28672, "num_hidden_layers": 80,
        "num_attention_heads": 64, "num_key_value_heads": 8, "vocab_size": 128256,
        "hidden_act": "silu", "rms_norm_eps": 1e-5, "max_position_embeddings": 131072,
        "rope_theta": 500000.0, "tie_word_embeddings": false,
        "rope_scaling": ["rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 8192],
    ] }

    // MARK: Against PyTorch

    @Test(arguments: ["llama", "llama-gqa", "mistral", "qwen2", "llama-pruned", "mixtral", "qwen2_moe", "qwen3_moe",
                       "mixtral-variant", "qwen2_moe-variant", "qwen3_moe-variant"])
    func logitsMatchPyTorchWithin1e4(case name: String) throws {
        let comparison = try ReferenceChecks.logitsMatch(case: name)
        #expect(comparison.shape == comparison.expectedShape, "\(comparison)")
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
    }

    @Test(arguments: ["llama", "llama-gqa", "mistral", "qwen2", "mixtral", "qwen2_moe", "qwen3_moe"])
    func moduleTreeEqualsPyTorchNamedModules(case name: String) throws {
        let trees = try ReferenceChecks.moduleTrees(case: name)
        let expected = try #require(trees.pytorch)
        #expect(trees.swift == expected)
        if trees.swift != expected {
            for (index, pair) in zip(trees.swift, expected).enumerated() where pair.0 != pair.1 {
                Issue.record("first difference at \(index): \(pair.0) vs PyTorch \(pair.1)")
                break
            }
        }
    }

    // MARK: Meta (shape-only) runs

    @Test(arguments: ["llama", "llama-gqa", "mistral", "qwen2", "mixtral", "qwen2_moe", "qwen3_moe",
                       "mixtral-variant", "qwen2_moe-variant", "qwen3_moe-variant"])
    func metaForwardGivesLogitsOfBatchLengthVocabulary(case name: String) throws {
        let config = try Self.config(of: name)
        let model = try Architectures.build(config: config, parameterNames: [])
        let output = try model.forward(ModelInputs([("input_ids", .meta(shape: [1, 16], dtype: .i64))]))
        #expect(output.isMeta)
        #expect(output.shape == [1, 16, 1000])
    }

    @Test(arguments: ["llama", "llama-gqa", "mistral", "qwen2"])
    func metaAndRealForwardTraceToTheSameGraphWithTwoAttentionMatmulsPerLayer(case name: String) throws {
        let realGraph = try FixtureTraces.placeholderTrace(name, meta: false)
        let metaGraph = try FixtureTraces.placeholderTrace(name, meta: true)
        #expect(realGraph.irLines() == metaGraph.irLines())
        #expect(metaGraph.nodes.filter { $0.op == .matmul }.count == 2 * 2)
        #expect(metaGraph.nodes.filter { $0.op == .linear }.count == 2 * 7 + 1)
    }

    @Test func tiedModelTracesInMetaMode() throws {
        let model = try Architectures.build(config: Self.config(of: "qwen2", changing: ["tie_word_embeddings": true]), parameterNames: [])
        let inputs = try PlaceholderInputs.make(for: model, shape: nil, dtype: nil, meta: true)
        let (output, graph) = try Tracer.trace(model: model, inputs: inputs.entries) { try model.forward(ModelInputs([("input_ids", $0[0])])) }
        #expect(output.shape == [1, 16, 1000])
        #expect(graph.nodes.last?.op == .linear)
    }

    @Test func llama70BShapedConfigBuildsAndRunsInMetaModeWithoutAllocatingWeights() throws {
        let start = Date()
        let model = try Architectures.build(config: Self.config(Self.llama70B), parameterNames: [])
        let inputs = ModelInputs([("input_ids", .meta(shape: [1, 16], dtype: .i64)), ("attention_mask", .meta(shape: [1, 16], dtype: .i64))])
        let output = try model.forward(inputs)
        let seconds = Date().timeIntervalSince(start)
        #expect(output.shape == [1, 16, 128256])
        let parameters = model.namedParameters()
        #expect(parameters.allSatisfy { $0.parameter.tensor.isMeta })
        #expect(parameters.count == 1 + 80 * 9 + 1 + 1)
        let shapes = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.parameter.shape) })
        #expect(shapes["model.layers.79.self_attn.q_proj.weight"] == [8192, 8192])
        #expect(shapes["model.layers.79.self_attn.k_proj.weight"] == [1024, 8192])
        #expect(shapes["model.layers.79.mlp.down_proj.weight"] == [8192, 28672])
        #expect(seconds < 5, "building and a meta forward took \(seconds) s")
    }

    @Test func checkpointWithoutBasePrefixLoadsAsTheBaseModelReturningHiddenStates() throws {
        let config = try Self.config(of: "qwen2")
        let model = try Architectures.build(config: config, parameterNames: ["embed_tokens.weight", "norm.weight"])
        #expect(model.typeName == "Qwen2Model")
        #expect(model.namedModules().map(\.path).contains("rotary_emb"))
        let output = try model.forward(ModelInputs([("input_ids", .meta(shape: [2, 5], dtype: .i64))]))
        #expect(output.shape == [2, 5, 64])
    }

    // MARK: Configuration

    @Test func tiedWordEmbeddingsShareOneParameterObject() throws {
        let model = try Architectures.build(config: Self.config(of: "llama", changing: ["tie_word_embeddings": true]), parameterNames: [])
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter) })
        let head = try #require(parameters["lm_head.weight"])
        let embedding = try #require(parameters["model.embed_tokens.weight"])
        #expect(head === embedding)
        let untied = try Architectures.build(config: Self.config(of: "llama"), parameterNames: [])
        let untiedParameters = Dictionary(uniqueKeysWithValues: untied.namedParameters().map { ($0.name, $0.parameter) })
        #expect(untiedParameters["lm_head.weight"] !== untiedParameters["model.embed_tokens.weight"])
    }

    @Test func tiedCheckpointWithoutLMHeadLoadsAndProjectsOntoTheEmbeddingTable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-llama-tied-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try SafetensorsFile(url: Fixtures.model("llama").appendingPathComponent("model.safetensors"))
        try SafetensorsWriter.write(source.names.filter { $0 != "lm_head.weight" }.map { ($0, try source.tensor(named: $0)) },
                                    to: folder.appendingPathComponent("model.safetensors"))
        try Self.config(of: "llama", changing: ["tie_word_embeddings": true]).data.write(to: folder.appendingPathComponent("config.json"))
        let tied = try Checkpoint(directory: folder).loadModel()
        #expect(tied.typeName == "LlamaForCausalLM")

        // The same weights untied, with lm_head set to the embedding table by hand.
        let untied = try Self.loadedModel("llama", config: Self.config(of: "llama"))
        let parameters = Dictionary(uniqueKeysWithValues: untied.namedParameters().map { ($0.name, $0.parameter) })
        parameters["lm_head.weight"]!.tensor = parameters["model.embed_tokens.weight"]!.tensor
        let inputs = ModelInputs([("input_ids", try Self.tokens(16))])
        #expect(Self.maxDiff(try tied.forward(inputs).floats(), try untied.forward(inputs).floats()) == 0)
    }

    @Test func projectionBiasesFollowEachVariant() throws {
        func names(_ config: ConfigFile) throws -> Set<String> {
            Set(try Architectures.build(config: config, parameterNames: []).namedParameters().map(\.name))
        }
        let qwen = try names(Self.config(of: "qwen2"))
        #expect(qwen.isSuperset(of: ["model.layers.0.self_attn.q_proj.bias", "model.layers.0.self_attn.k_proj.bias", "model.layers.0.self_attn.v_proj.bias"]))
        #expect(!qwen.contains("model.layers.0.self_attn.o_proj.bias"))
        let llama = try names(Self.config(of: "llama", changing: ["attention_bias": true, "mlp_bias": true]))
        #expect(llama.isSuperset(of: ["model.layers.1.self_attn.o_proj.bias", "model.layers.1.mlp.down_proj.bias"]))
        let mistral = try names(Self.config(of: "mistral", changing: ["attention_bias": true]))
        #expect(!mistral.contains { $0.hasSuffix(".bias") })
    }

    @Test func headsThatDoNotDivideHiddenSizeAreAnErrorNamingTheKeys() throws {
        let file = try Self.config(["model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1,
                                    "num_attention_heads": 5, "vocab_size": 100])
        #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
            let message = error.localizedDescription
            return message.contains("hidden_size") && message.contains("num_attention_heads") && message.contains("/tmp/llama-test/config.json")
        }
    }

    @Test func keyValueHeadsThatDoNotDivideHeadsAreAnErrorNamingTheKey() throws {
        let file = try Self.config(of: "llama-gqa", changing: ["num_key_value_heads": 3])
        #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
            error.localizedDescription.contains("num_key_value_heads") && error.localizedDescription.contains("num_attention_heads")
        }
    }

    @Test func missingSizeKeyIsAnErrorNamingIt() throws {
        let file = try Self.config(["model_type": "mistral", "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 100])
        #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
            error.localizedDescription.contains("intermediate_size")
        }
    }

    // MARK: Rotary embedding

    @Test func llama3RopeScalingKeepsHighFrequenciesDividesLowOnesAndSmoothsBetween() throws {
        let file = try Self.config(Self.llama70B)
        let frequencies = try LlamaConfiguration.load(file).rotaryFrequencies(file: file)
        let values = try frequencies.inverseFrequencies.get()
        #expect(values.count == 64)
        // Hugging Face's _compute_llama3_parameters for theta 500000, head 128, factor 8, low 1, high 4, context 8192.
        let base = (0..<64).map { 1 / pow(500000.0, Double(2 * $0) / 128) }
        #expect(values[0] == base[0])
        #expect(abs(values[63] - base[63] / 8) < 1e-15)
        let wavelength = 2 * Double.pi / base[32]
        #expect(wavelength > 2048 && wavelength < 8192)  // the medium band
        let smooth = (8192 / wavelength - 1) / 3
        #expect(abs(values[32] - ((1 - smooth) * base[32] / 8 + smooth * base[32])) < 1e-15)
    }

    @Test func legacyRopeThetaAndTransformers5RopeParametersGiveTheSameFrequencies() throws {
        let legacy = try Self.config(of: "llama", changing: ["rope_parameters": NSNull(), "rope_theta": 500000.0])
        let current = try Self.config(of: "llama", changing: ["rope_parameters": ["rope_type": "default", "rope_theta": 500000.0]])
        let a = try LlamaConfiguration.load(legacy).rotaryFrequencies(file: legacy).inverseFrequencies.get()
        let b = try LlamaConfiguration.load(current).rotaryFrequencies(file: current).inverseFrequencies.get()
        #expect(a == b)
        #expect(a[1] == 1 / pow(500000.0, 2.0 / 16))
    }

    @Test func unsupportedRopeTypeRunsInMetaModeButARealRunSaysItIsNotSupported() throws {
        let file = try Self.config(of: "llama", changing: ["rope_parameters": ["rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0]])
        let meta = try Architectures.build(config: file, parameterNames: [])
        #expect(try meta.forward(ModelInputs([("input_ids", .meta(shape: [1, 16], dtype: .i64))])).shape == [1, 16, 1000])
        let real = try Self.loadedModel("llama", config: file)
        #expect { try real.forward(ModelInputs([("input_ids", Self.tokens(16))])) } throws: { error in
            error.localizedDescription.contains("yarn") && error.localizedDescription.contains("not supported")
        }
    }

    // MARK: Masks

    @Test func paddedTokensDoNotChangeTheLogitsOfOtherPositions() throws {
        let model = try Self.loadedModel("llama-gqa", config: Self.config(of: "llama-gqa"))
        let mask = try Tensor(integers: [0, 0] + Array(repeating: 1, count: 10), shape: [1, 12])
        let a = try Self.rows(model.forward(ModelInputs([("input_ids", Self.tokens(12)), ("attention_mask", mask)])))
        let b = try Self.rows(model.forward(ModelInputs([("input_ids", Self.tokens(12, replacingFirstWith: 999)), ("attention_mask", mask)])))
        for position in 2..<12 { #expect(Self.maxDiff(a[position], b[position]) < 1e-6, "position \(position)") }
        let unmasked = try Self.rows(model.forward(ModelInputs([("input_ids", Self.tokens(12, replacingFirstWith: 999))])))
        #expect(Self.maxDiff(unmasked[5], b[5]) > 1e-4)
    }

    @Test func allOnesAttentionMaskEqualsNoMask() throws {
        let model = try Self.loadedModel("qwen2", config: Self.config(of: "qwen2"))
        let ones = try Tensor(integers: Array(repeating: 1, count: 16), shape: [1, 16])
        let masked = try model.forward(ModelInputs([("input_ids", Self.tokens(16)), ("attention_mask", ones)]))
        let plain = try model.forward(ModelInputs([("input_ids", Self.tokens(16))]))
        #expect(Self.maxDiff(try masked.floats(), try plain.floats()) == 0)
    }

    @Test func mistralSlidingWindowHidesTokensOlderThanTheWindow() throws {
        // Window 4 over 2 layers: position p sees p−3...p, and through the first layer p−6...p.
        let windowed = try Self.loadedModel("mistral", config: Self.config(of: "mistral", changing: ["sliding_window": 4]))
        let a = try Self.rows(windowed.forward(ModelInputs([("input_ids", Self.tokens(16))])))
        let b = try Self.rows(windowed.forward(ModelInputs([("input_ids", Self.tokens(16, replacingFirstWith: 999))])))
        for position in 7..<16 { #expect(Self.maxDiff(a[position], b[position]) < 1e-6, "position \(position)") }
        for position in 0..<4 { #expect(Self.maxDiff(a[position], b[position]) > 1e-4, "position \(position)") }
        // A window longer than the sequence changes nothing.
        let wide = try Self.loadedModel("mistral", config: Self.config(of: "mistral", changing: ["sliding_window": 16]))
        let full = try Self.loadedModel("mistral", config: Self.config(of: "mistral", changing: ["sliding_window": NSNull()]))
        let c = try wide.forward(ModelInputs([("input_ids", Self.tokens(16))]))
        let d = try full.forward(ModelInputs([("input_ids", Self.tokens(16))]))
        #expect(Self.maxDiff(try c.floats(), try d.floats()) == 0)
    }

    @Test func qwen2SlidingWindowAppliesOnlyToSlidingLayers() throws {
        let file = try Self.config(of: "qwen2", changing: ["use_sliding_window": true, "sliding_window": 4,
                                                            "layer_types": ["full_attention", "sliding_attention"]])
        let configuration = try LlamaConfiguration.load(file)
        #expect(configuration.slidingWindow(layer: 0) == nil)
        #expect(configuration.slidingWindow(layer: 1) == 4)
        let disabled = try LlamaConfiguration.load(Self.config(of: "qwen2", changing: ["use_sliding_window": false, "sliding_window": 4,
                                                                                       "layer_types": NSNull(), "max_window_layers": 0]))
        #expect(disabled.slidingWindow(layer: 1) == nil)
        let byIndex = try LlamaConfiguration.load(Self.config(of: "qwen2", changing: ["use_sliding_window": true, "sliding_window": 4,
                                                                                      "layer_types": NSNull(), "max_window_layers": 1]))
        #expect(byIndex.slidingWindow(layer: 0) == nil)
        #expect(byIndex.slidingWindow(layer: 1) == 4)
        let model = try Self.loadedModel("qwen2", config: file)
        #expect(try model.forward(ModelInputs([("input_ids", Self.tokens(16))])).shape == [1, 16, 1000])
    }
}
