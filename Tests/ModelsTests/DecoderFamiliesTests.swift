import Formats
import Foundation
import NN
import Testing
import Tensor
import Tracer
import TestFixtures
@testable import Models

/// OPT, GPT-2, GPT-J, Phi-3, GPT-NeoX, Falcon, BLOOM and Phi: PyTorch's logits and module trees on the fixtures, and the behaviour
/// that must hold for any configuration (meta forward, padding, config errors, base checkpoints).
@Suite struct DecoderFamiliesTests {
    /// A fixture's `config.json` with `changes` applied (`NSNull()` removes a key).
    private func config(_ fixture: String, _ changes: [String: Any] = [:]) throws -> ConfigFile {
        let url = Fixtures.model(fixture).appendingPathComponent("config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        for (key, value) in changes { object[key] = value is NSNull ? nil : value }
        return try ConfigFile(data: JSONSerialization.data(withJSONObject: object), url: url)
    }

    private func tokens(_ values: [Int]) throws -> Tensor {
        try Tensor(integers: values, shape: [1, values.count])
    }

    /// Logits of `model` (weights must be loaded) for `ids` and an optional attention mask.
    private func run(_ model: any TransformerModel, _ ids: [Int], mask: [Int]? = nil) throws -> Tensor {
        var inputs = ModelInputs([("input_ids", try tokens(ids))])
        if let mask { inputs = inputs.replacing("attention_mask", with: try tokens(mask)) }
        return try model.forward(inputs)
    }

    /// A model of `fixture` with its weights loaded.
    private func loaded(_ fixture: String) throws -> any TransformerModel {
        try Checkpoint(directory: Fixtures.model(fixture)).loadModel()
    }

    private func maxDifference(_ a: Tensor, _ b: Tensor) throws -> Float {
        zip(try a.floats(), try b.floats()).map { abs($0 - $1) }.max() ?? 0
    }

    // MARK: PyTorch's numbers and module trees

    @Test(arguments: ["opt", "opt-pruned", "gpt2", "gptj", "phi3", "gpt_neox", "falcon", "falcon-mqa", "falcon-sequential", "bloom", "bloom-variant", "phi", "phi-variant"])
    func logitsMatchPyTorchOnTheReferenceInput(_ fixture: String) throws {
        let comparison = try ReferenceChecks.logitsMatch(case: fixture)
        #expect(comparison.shape == comparison.expectedShape, "\(comparison)")
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
    }

    @Test(arguments: ["opt", "gpt2", "gptj", "phi3", "gpt_neox", "falcon", "bloom", "phi"])
    func moduleTreeMatchesPyTorchNamedModules(_ fixture: String) throws {
        let trees = try ReferenceChecks.moduleTrees(case: fixture)
        let expected = try #require(trees.pytorch)
        #expect(trees.swift == expected)
    }

    @Test func gpt2CheckpointSavedFromTheBaseModelLoadsAsGPT2Model() throws {
        // GPT2Model.save_pretrained names its tensors `wte.weight`, `h.0.attn.c_attn.weight`, ... and has no lm_head.
        let source = Fixtures.model("gpt2")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-gpt2-base-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"), to: directory.appendingPathComponent("config.json"))
        let full = try Checkpoint(directory: source)
        let prefix = "transformer."
        let renamed = try full.tensorNames.sorted().filter { $0.hasPrefix(prefix) }.map { (String($0.dropFirst(prefix.count)), try full.tensor(named: $0)) }
        try SafetensorsWriter.write(renamed, to: directory.appendingPathComponent("model.safetensors"))

        let base = try Checkpoint(directory: directory).loadModel()
        #expect(base.typeName == "GPT2Model")
        let ids = [5, 17, 99, 3, 250, 8]
        let hidden = try run(base, ids)
        #expect(hidden.shape == [1, ids.count, 64])
        let head = try #require(try loaded("gpt2") as? GPT2LMHeadModel)
        let expected = try head.transformer(inputIds: tokens(ids), attentionMask: nil)
        #expect(try maxDifference(hidden, expected) == 0)
    }

    @Test(arguments: ["opt", "gpt2", "gptj", "phi3", "gpt_neox", "falcon", "bloom", "phi"])
    func metaAndRealForwardTraceToTheSameGraphWithTwoAttentionMatmulsPerLayer(_ fixture: String) throws {
        let realGraph = try FixtureTraces.placeholderTrace(fixture, meta: false)
        let metaGraph = try FixtureTraces.placeholderTrace(fixture, meta: true)
        #expect(realGraph.irLines() == metaGraph.irLines())
        let layers = try loaded(fixture).namedModules().filter { ["OPTDecoderLayer", "GPT2Block", "GPTJBlock", "Phi3DecoderLayer", "GPTNeoXLayer", "FalconDecoderLayer", "BloomBlock", "PhiDecoderLayer"].contains($0.module.typeName) }.count
        #expect(metaGraph.nodes.filter { $0.op == .matmul }.count == 2 * layers)
    }

    // MARK: Attention mask

    @Test(arguments: ["opt", "gpt2", "gptj"])
    func attentionMaskOfOnesGivesTheSameLogitsAsNone(_ fixture: String) throws {
        let model = try loaded(fixture)
        let ids = [5, 17, 99, 3, 250, 8, 41, 600]
        let difference = try maxDifference(run(model, ids), run(model, ids, mask: Array(repeating: 1, count: ids.count)))
        #expect(difference == 0)
    }

    @Test func optLeftPaddingLeavesTheTokensLogitsUnchanged() throws {
        // OPT counts positions over the tokens that are not padding, so padded tokens keep theirs.
        let model = try loaded("opt")
        let ids = [5, 17, 99, 3, 250, 8]
        let plain = try run(model, ids)
        let padded = try run(model, [1, 1] + ids, mask: [0, 0] + Array(repeating: 1, count: ids.count))
        let tokens = try padded.narrow(1, start: 2, length: ids.count)
        #expect(try padded.floats().allSatisfy(\.isFinite))
        #expect(try maxDifference(plain, tokens) <= 1e-5)
    }

    @Test(arguments: ["gpt2", "gptj"])
    func paddingMaskHidesTheMaskedTokenFromLaterOnes(_ fixture: String) throws {
        // Masking token 2 changes the logits after it, not before; changing that token then changes nothing.
        let model = try loaded(fixture)
        let mask = [1, 1, 0, 1, 1, 1]
        let first = try run(model, [5, 17, 99, 3, 250, 8], mask: mask)
        let second = try run(model, [5, 17, 400, 3, 250, 8], mask: mask)
        #expect(try maxDifference(first.narrow(1, start: 3, length: 3), second.narrow(1, start: 3, length: 3)) <= 1e-6)
        let unmasked = try run(model, [5, 17, 99, 3, 250, 8])
        #expect(try maxDifference(first.narrow(1, start: 0, length: 2), unmasked.narrow(1, start: 0, length: 2)) == 0)
        #expect(try maxDifference(first.narrow(1, start: 3, length: 3), unmasked.narrow(1, start: 3, length: 3)) > 1e-4)
    }

    // MARK: Meta forward for any configuration

    static var variants: [(fixture: String, changes: [String: Any])] { [
        ("opt", [:]),
        ("opt", ["hidden_size": 48, "num_attention_heads": 6, "num_hidden_layers": 3, "ffn_dim": 80, "word_embed_proj_dim": 32, "vocab_size": 77]),
        ("opt", ["do_layer_norm_before": false, "enable_bias": false]),
        ("gpt2", [:]),
        ("gpt2", ["n_embd": 48, "n_head": 3, "n_layer": 1, "n_inner": NSNull(), "vocab_size": 77, "scale_attn_by_inverse_layer_idx": true]),
        ("gptj", [:]),
        ("gptj", ["n_embd": 96, "n_head": 6, "n_layer": 3, "rotary_dim": 16, "n_inner": NSNull(), "vocab_size": 77, "activation_function": "gelu"]),
        ("falcon", [:]),
        ("falcon", ["new_decoder_architecture": false, "num_ln_in_parallel_attn": NSNull(), "multi_query": true, "num_kv_heads": NSNull(), "hidden_size": 96, "num_attention_heads": 6]),
        ("falcon", ["new_decoder_architecture": false, "num_ln_in_parallel_attn": NSNull(), "multi_query": false, "num_kv_heads": NSNull(), "parallel_attn": false, "bias": true]),
        ("bloom", [:]),
        ("phi", [:]),
        ("phi", ["num_key_value_heads": 2, "qk_layernorm": true, "tie_word_embeddings": true, "rope_parameters": NSNull(), "partial_rotary_factor": 0.4]),
        ("bloom", ["hidden_size": 96, "n_head": 12, "n_layer": 3, "apply_residual_connection_post_layernorm": true, "vocab_size": 77]),
        ("falcon", ["num_ln_in_parallel_attn": 1, "num_kv_heads": 1, "num_hidden_layers": 3, "ffn_hidden_size": NSNull(), "vocab_size": 77]),
    ] }

    @Test(arguments: variants.indices)
    func metaForwardGivesLogitsOfTheVocabularyForAnyConfiguration(_ index: Int) throws {
        let (fixture, changes) = Self.variants[index]
        let file = try config(fixture, changes)
        let model = try Architectures.build(config: file, parameterNames: [])
        let vocabulary = (changes["vocab_size"] as? Int) ?? 1000
        let output = try model.forward(ModelInputs([("input_ids", .meta(shape: [1, 16], dtype: .i64))]))
        #expect(output.isMeta)
        #expect(output.shape == [1, 16, vocabulary])
        let masked = try model.forward(ModelInputs([("input_ids", .meta(shape: [2, 5], dtype: .i64)),
                                                    ("attention_mask", .meta(shape: [2, 5], dtype: .i64))]))
        #expect(masked.shape == [2, 5, vocabulary])
    }

    @Test func baseModelsReturnTheLastHiddenState() throws {
        for (fixture, base, width) in [("opt", "OPTModel", 64), ("gpt2", "GPT2Model", 64), ("gptj", "GPTJModel", 64)] {
            let model = try Architectures.build(config: config(fixture, ["architectures": [base]]), parameterNames: [])
            #expect(model.typeName == base)
            let output = try model.forward(ModelInputs([("input_ids", .meta(shape: [1, 16], dtype: .i64))]))
            #expect(output.shape == [1, 16, width])
        }
    }

    @Test func primaryInputIsInputIdsOfShape1x16Int64() throws {
        for fixture in ["opt", "gpt2", "gptj"] {
            let model = try Architectures.build(config: config(fixture), parameterNames: [])
            #expect(model.inputSpecs.first == ModelInputSpec(name: "input_ids", dtype: .i64, defaultShape: [1, 16], isPrimary: true))
            #expect(model.inputSpecs.map(\.name) == ["input_ids", "attention_mask"])
        }
    }

    // MARK: Module trees beyond the fixtures

    @Test func optWithAProjectedEmbeddingDeclaresProjectOutBeforeProjectIn() throws {
        let model = try Architectures.build(config: config("opt", ["word_embed_proj_dim": 32]), parameterNames: [])
        let decoderChildren = model.namedModules().map(\.path).filter { $0.hasPrefix("model.decoder.") && !$0.contains("layers") }
        #expect(decoderChildren == ["model.decoder.embed_tokens", "model.decoder.embed_positions", "model.decoder.project_out",
                                    "model.decoder.project_in", "model.decoder.final_layer_norm"])
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter.shape) })
        #expect(parameters["model.decoder.embed_tokens.weight"] == [1000, 32])
        #expect(parameters["model.decoder.project_in.weight"] == [64, 32])
        #expect(parameters["model.decoder.embed_positions.weight"] == [2050, 64])
    }

    @Test func optPostNormHasNoFinalDecoderLayerNorm() throws {
        let model = try Architectures.build(config: config("opt", ["do_layer_norm_before": false]), parameterNames: [])
        #expect(!model.namedModules().map(\.path).contains("model.decoder.final_layer_norm"))
    }

    @Test func tiedHeadsShareTheEmbeddingParameter() throws {
        for (fixture, head, table) in [("opt", "OPTForCausalLM", "model.decoder.embed_tokens"), ("gpt2", "GPT2LMHeadModel", "transformer.wte"),
                                       ("gptj", "GPTJForCausalLM", "transformer.wte")] {
            for tied in [true, false] {
                let model = try Architectures.build(config: config(fixture, ["tie_word_embeddings": tied]), parameterNames: [])
                #expect(model.typeName == head)
                let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters())
                let shared = parameters["lm_head.weight"] === parameters[table + ".weight"]
                #expect(shared == tied, "\(fixture) tie_word_embeddings \(tied)")
            }
        }
    }

    // MARK: Config errors

    @Test func embeddingWidthNotDivisibleByHeadsIsAnErrorNamingBothKeys() throws {
        for (fixture, changes, keys) in [("gpt2", ["n_embd": 10, "n_head": 4], ["n_embd", "n_head"]),
                                         ("gptj", ["n_embd": 10, "n_head": 4], ["n_embd", "n_head"]),
                                         ("opt", ["hidden_size": 10, "num_attention_heads": 4], ["hidden_size", "num_attention_heads"])] {
            let file = try config(fixture, changes)
            #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
                let message = error.localizedDescription
                return keys.allSatisfy(message.contains) && message.contains("config.json")
            }
        }
    }

    @Test func unsupportedConfigValuesAreErrorsNamingTheKey() throws {
        for (fixture, key, value) in [("gpt2", "activation_function", "mish" as Any), ("gptj", "rotary_dim", 24 as Any),
                                      ("gptj", "rotary_dim", 7 as Any), ("opt", "layer_norm_elementwise_affine", false as Any),
                                      ("gpt2", "add_cross_attention", true as Any), ("opt", "num_attention_heads", 0 as Any)] {
            let file = try config(fixture, [key: value])
            #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
                error.localizedDescription.contains(key)
            }
        }
    }

    @Test func falconLayerNormsFollowTheDecoderArchitecture() throws {
        for (changes, norms) in [([:], ["ln_attn", "ln_mlp"]), (["num_ln_in_parallel_attn": 1], ["input_layernorm"]),
                                 (["new_decoder_architecture": false, "num_ln_in_parallel_attn": NSNull()], ["input_layernorm"]),
                                 (["new_decoder_architecture": false, "num_ln_in_parallel_attn": NSNull(), "parallel_attn": false], ["post_attention_layernorm", "input_layernorm"])] as [([String: Any], [String])] {
            let model = try Architectures.build(config: config("falcon", changes), parameterNames: [])
            let children = model.namedModules().map(\.path).filter { $0.hasPrefix("transformer.h.0.") && !$0.dropFirst(16).contains(".") }
            #expect(children == ["transformer.h.0.self_attention", "transformer.h.0.mlp"] + norms.map { "transformer.h.0." + $0 }, "\(changes)")
        }
    }

    @Test func falconConfigsHuggingFaceCannotRunOrSlimtraceDoesNotImplementAreErrorsNamingTheKey() throws {
        for (changes, key) in [(["alibi": true], "alibi"), (["parallel_attn": false], "parallel_attn"),
                               (["num_kv_heads": 3], "num_kv_heads"),
                               (["new_decoder_architecture": false, "multi_query": false], "num_kv_heads"),
                               (["new_decoder_architecture": false, "num_ln_in_parallel_attn": 2], "num_ln_in_parallel_attn")] as [([String: Any], String)] {
            let file = try config("falcon", changes)
            #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
                error.localizedDescription.contains(key)
            }
        }
    }

    @Test func attentionMaskOfAnotherShapeIsAnError() throws {
        let model = try Architectures.build(config: config("gpt2"), parameterNames: [])
        #expect { try model.forward(ModelInputs([("input_ids", .meta(shape: [1, 16], dtype: .i64)),
                                                 ("attention_mask", .meta(shape: [1, 15], dtype: .i64))])) } throws: { error in
            error.localizedDescription.contains("attention_mask")
        }
    }
}
