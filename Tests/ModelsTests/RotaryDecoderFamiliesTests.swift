import Formats
import Foundation
import NN
import Testing
import Tensor
import TestFixtures
@testable import Models

/// Qwen3, Gemma 2, Gemma 3 (text) and OLMo 2: PyTorch's logits on the fixtures and on variants in
/// other configurations (`*-variant`, made by scripts/reference/make_decoder_variants.py), module
/// trees, and what must hold for any configuration (real-sized configs in meta mode, legacy keys).
@Suite struct RotaryDecoderFamiliesTests {
    static let fixtures = ["qwen3", "gemma2", "gemma3_text", "olmo2"]

    /// A config built from scratch (no checkpoint), for shape-only runs.
    static func config(_ object: [String: Any]) throws -> ConfigFile {
        try ConfigFile(data: JSONSerialization.data(withJSONObject: object), url: URL(fileURLWithPath: "/tmp/decoder-test/config.json"))
    }

    /// A fixture's `config.json` with `changes` applied (`NSNull()` removes a key).
    static func config(of fixture: String, changing changes: [String: Any]) throws -> ConfigFile {
        let url = Fixtures.model(fixture).appendingPathComponent("config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        for (key, value) in changes { object[key] = value is NSNull ? nil : value }
        return try ConfigFile(data: JSONSerialization.data(withJSONObject: object), url: url)
    }

    // MARK: Against PyTorch

    @Test(arguments: fixtures + fixtures.map { $0 + "-variant" })
    func logitsMatchPyTorchWithin1e4(case name: String) throws {
        let comparison = try ReferenceChecks.logitsMatch(case: name)
        print(comparison)
        #expect(comparison.shape == comparison.expectedShape, "\(comparison)")
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
    }

    @Test(arguments: fixtures)
    func moduleTreeEqualsPyTorchNamedModules(case name: String) throws {
        let trees = try ReferenceChecks.moduleTrees(case: name)
        let expected = try #require(trees.pytorch)
        #expect(trees.swift == expected)
        for (index, pair) in zip(trees.swift, expected).enumerated() where pair.0 != pair.1 {
            Issue.record("first difference at \(index): \(pair.0) vs PyTorch \(pair.1)")
            break
        }
    }

    // MARK: Real-sized configs, meta mode

    /// Qwen3-32B, Gemma-2-27B, Gemma-3-27B (text) and OLMo-2-13B shaped configs as their
    /// checkpoints ship them (transformers 4 keys), with the parameter shapes each implies.
    static var realSized: [(config: [String: Any], logits: [Int], shapes: [String: [Int]])] { [
        (["model_type": "qwen3", "architectures": ["Qwen3ForCausalLM"], "hidden_size": 5120, "intermediate_size": 25600,
          "num_hidden_layers": 64, "num_attention_heads": 64, "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 151936,
          "rope_theta": 1000000, "rms_norm_eps": 1e-6, "tie_word_embeddings": false, "sliding_window": NSNull(),
          "use_sliding_window": false, "max_window_layers": 64, "torch_dtype": "bfloat16"],
         [1, 16, 151936], ["model.layers.63.self_attn.q_proj.weight": [8192, 5120], "model.layers.63.self_attn.q_norm.weight": [128]]),
        (["model_type": "gemma2", "architectures": ["Gemma2ForCausalLM"], "hidden_size": 4608, "intermediate_size": 36864,
          "num_hidden_layers": 46, "num_attention_heads": 32, "num_key_value_heads": 16, "head_dim": 128, "vocab_size": 256000,
          "query_pre_attn_scalar": 144, "sliding_window": 4096, "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0,
          "hidden_activation": "gelu_pytorch_tanh", "torch_dtype": "bfloat16"],
         [1, 16, 256000], ["model.layers.45.self_attn.o_proj.weight": [4608, 4096], "lm_head.weight": [256000, 4608]]),
        (["model_type": "gemma3_text", "architectures": ["Gemma3ForCausalLM"], "hidden_size": 5376, "intermediate_size": 21504,
          "num_hidden_layers": 62, "num_attention_heads": 32, "num_key_value_heads": 16, "head_dim": 128, "vocab_size": 262208,
          "query_pre_attn_scalar": 168, "sliding_window": 1024, "sliding_window_pattern": 6, "rope_theta": 1000000.0,
          "rope_local_base_freq": 10000.0, "rope_scaling": ["factor": 8.0, "rope_type": "linear"], "torch_dtype": "bfloat16"],
         [1, 16, 262208], ["model.layers.61.self_attn.k_norm.weight": [128], "model.layers.61.self_attn.k_proj.weight": [2048, 5376]]),
        (["model_type": "olmo2", "architectures": ["Olmo2ForCausalLM"], "hidden_size": 5120, "intermediate_size": 13824,
          "num_hidden_layers": 40, "num_attention_heads": 40, "num_key_value_heads": 40, "vocab_size": 100352,
          "rope_theta": 500000, "rms_norm_eps": 1e-6, "torch_dtype": "float32"],
         [1, 16, 100352], ["model.layers.39.self_attn.q_norm.weight": [5120], "model.layers.39.post_feedforward_layernorm.weight": [5120]]),
    ] }

    @Test(arguments: 0..<4)
    func realSizedConfigBuildsAndRunsInMetaModeInUnderASecond(_ index: Int) throws {
        let (object, logits, expectedShapes) = Self.realSized[index]
        let start = Date()
        let model = try Architectures.build(config: Self.config(object), parameterNames: [])
        let output = try model.forward(ModelInputs([("input_ids", .meta(shape: [1, 16], dtype: .i64))]))
        let seconds = Date().timeIntervalSince(start)
        #expect(output.shape == logits)
        let shapes = Dictionary(model.namedParameters().map { ($0.name, $0.parameter.shape) }, uniquingKeysWith: { first, _ in first })
        for (name, shape) in expectedShapes { #expect(shapes[name] == shape, "\(name)") }
        #expect(model.namedParameters().allSatisfy { $0.parameter.tensor.isMeta })
        #expect(seconds < 1, "building and a meta forward took \(seconds) s")
    }

    // MARK: Configuration

    @Test func gemma3LegacyRopeKeysResolveAsTransformersDoes() throws {
        // transformers 4: rope_theta and rope_scaling are the global layers', rope_local_base_freq the local ones'.
        let legacy = try Gemma3TextConfiguration.load(Self.config(of: "gemma3_text", changing: [
            "rope_parameters": NSNull(), "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0,
            "rope_scaling": ["rope_type": "linear", "factor": 8.0]]))
        let file = try Self.config(of: "gemma3_text", changing: [:])
        let (full, sliding) = try legacy.rotaryFrequencies(file: file)
        let fullValues = try full.inverseFrequencies.get(), slidingValues = try sliding.inverseFrequencies.get()
        #expect(fullValues.count == 8)
        #expect(abs(fullValues[1] - 1 / pow(1000000.0, 2.0 / 16) / 8) < 1e-15)
        #expect(abs(slidingValues[1] - 1 / pow(10000.0, 2.0 / 16)) < 1e-15)
    }

    @Test func gemma3WithoutLayerTypesMakesEverySixthLayerGlobal() throws {
        let configuration = try Gemma3TextConfiguration.load(Self.config(of: "gemma3_text", changing: [
            "layer_types": NSNull(), "num_hidden_layers": 12]))
        let spec = try configuration.spec(file: Self.config(of: "gemma3_text", changing: [:]))
        #expect(spec.layers.map(\.window) == (0..<12).map { ($0 + 1) % 6 == 0 ? nil : 4096 })
        #expect(spec.layers.map(\.rotary) == (0..<12).map { ($0 + 1) % 6 == 0 ? 0 : 1 })
    }

    @Test func gemmaDefaultsApplyWhenKeysAreAbsentAndNullMeansNone() throws {
        let absent = try Gemma2Configuration.load(Self.config(of: "gemma2", changing: [
            "attn_logit_softcapping": NSNull(), "final_logit_softcapping": NSNull(), "head_dim": NSNull()]))
        #expect(absent.gemma.headSize == 256)
        let spec = try absent.spec(file: Self.config(of: "gemma2", changing: [:]))
        #expect(spec.attentionSoftcap == 50 && spec.finalLogitSoftcap == 30)
        let data = try Data(contentsOf: Fixtures.model("gemma2").appendingPathComponent("config.json"))
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"attn_logit_softcapping\": 50.0", with: "\"attn_logit_softcapping\": null")
        let nulled = try ConfigFile(data: Data(text.utf8), url: Fixtures.model("gemma2").appendingPathComponent("config.json"))
        #expect(try Gemma2Configuration.load(nulled).spec(file: nulled).attentionSoftcap == nil)
    }

    @Test func gemmaEmbeddingScaleIsRoundedToTheCheckpointDType() throws {
        // sqrt(3840) = 61.967...; in bfloat16 it is 62.
        let bf16 = try Gemma3TextConfiguration.load(Self.config(of: "gemma3_text", changing: ["hidden_size": 3840, "dtype": "bfloat16"]))
        #expect(try bf16.spec(file: Self.config(of: "gemma3_text", changing: [:])).embeddingScale == 62)
        let f32 = try Gemma3TextConfiguration.load(Self.config(of: "gemma3_text", changing: ["hidden_size": 3840]))
        #expect(try f32.spec(file: Self.config(of: "gemma3_text", changing: [:])).embeddingScale == Float(Double(3840).squareRoot()))
    }

    @Test func qwen3HeadDimDefaultsTo128AndBadSizesAreErrorsNamingTheKey() throws {
        #expect(try Qwen3Configuration.load(Self.config(of: "qwen3", changing: ["head_dim": NSNull()])).headSize == 128)
        #expect { try Architectures.build(config: Self.config(of: "qwen3", changing: ["num_key_value_heads": 3]), parameterNames: []) } throws: {
            $0.localizedDescription.contains("num_key_value_heads")
        }
        #expect { try Architectures.build(config: Self.config(of: "olmo2", changing: ["num_attention_heads": 6, "num_key_value_heads": 3]), parameterNames: []) } throws: {
            $0.localizedDescription.contains("hidden_size") && $0.localizedDescription.contains("num_attention_heads")
        }
        #expect { try Architectures.build(config: Self.config(of: "gemma3_text", changing: ["use_bidirectional_attention": true]), parameterNames: []) } throws: {
            $0.localizedDescription.contains("use_bidirectional_attention")
        }
    }

    @Test(arguments: fixtures)
    func checkpointWithoutBasePrefixLoadsAsTheBaseModel(case name: String) throws {
        let checkpoint = try Checkpoint(directory: Fixtures.model(name))
        let baseNames = Set(checkpoint.tensorNames.filter { $0.hasPrefix("model.") }.map { String($0.dropFirst("model.".count)) })
        let model = try Architectures.build(config: checkpoint.config, parameterNames: baseNames)
        #expect(model.typeName.hasSuffix("Model"))
        #expect(try model.forward(ModelInputs([("input_ids", .meta(shape: [2, 5], dtype: .i64))])).shape == [2, 5, 64])
    }
}
