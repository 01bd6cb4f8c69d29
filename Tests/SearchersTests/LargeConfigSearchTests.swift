import Foundation
import Models
import Searchers
import Testing

/// A LLaMA-70B-shaped config.json alone is searched in meta mode with the same kind of findings as
/// the small LLaMA fixtures: one feed-forward pair and one grouped-query attention block per layer.
@Suite struct LargeConfigSearchTests {
    @Test func llama70BConfigAloneGivesEightyPairsAndEightyGQABlocks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-70b-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 8192,
         "intermediate_size": 28672, "num_hidden_layers": 80, "num_attention_heads": 64,
         "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072,
         "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "tie_word_embeddings": false, "hidden_act": "silu",
         "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 8192, "rope_type": "llama3"}}
        """
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        let loaded = try ModelLoading.load(folder)
        #expect(loaded.isMeta)
        let trace = try TraceSearcher(model: loaded.model, graph: loaded.model.trace(PlaceholderInputs.make(for: loaded.model, shape: nil, dtype: nil, meta: true)))
        let report = try SearchReport(trace: trace)
        let pairs = try #require(report.linear2linear)
        #expect(pairs.count == 80)
        #expect(pairs.allSatisfy { $0.safe && $0.targetFrontierLinears.count == 2 })
        #expect(pairs.last?.rootLinear == "model.layers.79.mlp.down_proj")
        let blocks = try #require(report.mha)
        #expect(blocks.count == 80)
        #expect(blocks.allSatisfy { $0.numHeads == 64 && $0.numKVHeads == 8 && $0.headSize == 128 && $0.qkv.count == 3 })
        #expect(blocks.first?.ffn == ["model.layers.0.self_attn.o_proj"])
        #expect(report.head == "lm_head")
    }

    /// Real-sized configs of the fused-qkv families: (config.json, layers, heads, key/value heads,
    /// head size, fused q/k/v layout, feed-forward root and frontier of layer 0).
    static let fusedConfigs: [(config: String, layers: Int, heads: Int, keyValueHeads: Int, headSize: Int, layout: QKVLayout?, pair: (String, String))] = [
        // Falcon-7B: multi-query attention in the old decoder architecture.
        ("""
         {"architectures": ["FalconForCausalLM"], "model_type": "falcon", "hidden_size": 4544, "num_attention_heads": 71,
          "num_hidden_layers": 32, "multi_query": true, "new_decoder_architecture": false, "parallel_attn": true,
          "alibi": false, "bias": false, "vocab_size": 65024, "layer_norm_epsilon": 1e-05}
         """, 32, 71, 1, 64, .concatenated, ("transformer.h.0.mlp.dense_4h_to_h", "transformer.h.0.mlp.dense_h_to_4h")),
        // Falcon-40B: the new decoder architecture, 8 key/value groups.
        ("""
         {"architectures": ["FalconForCausalLM"], "model_type": "falcon", "hidden_size": 8192, "num_attention_heads": 128,
          "num_kv_heads": 8, "num_hidden_layers": 60, "new_decoder_architecture": true, "parallel_attn": true,
          "alibi": false, "bias": false, "vocab_size": 65024, "layer_norm_epsilon": 1e-05}
         """, 60, 128, 8, 64, .grouped, ("transformer.h.0.mlp.dense_4h_to_h", "transformer.h.0.mlp.dense_h_to_4h")),
        // BLOOM-7B1: ALiBi, query_key_value per head.
        ("""
         {"architectures": ["BloomForCausalLM"], "model_type": "bloom", "hidden_size": 4096, "n_head": 32, "n_layer": 30,
          "vocab_size": 250880, "layer_norm_epsilon": 1e-05, "apply_residual_connection_post_layernorm": false}
         """, 30, 32, 32, 128, .grouped, ("transformer.h.0.mlp.dense_4h_to_h", "transformer.h.0.mlp.dense_h_to_4h")),
        // Phi-2: separate q/k/v, legacy top-level partial_rotary_factor and rope_theta.
        ("""
         {"architectures": ["PhiForCausalLM"], "model_type": "phi", "hidden_size": 2560, "intermediate_size": 10240,
          "num_attention_heads": 32, "num_key_value_heads": 32, "num_hidden_layers": 32, "vocab_size": 51200,
          "partial_rotary_factor": 0.4, "rope_theta": 10000.0, "hidden_act": "gelu_new", "qk_layernorm": false}
         """, 32, 32, 32, 80, nil, ("model.layers.0.mlp.fc2", "model.layers.0.mlp.fc1")),
    ]

    @Test(arguments: fusedConfigs.indices)
    func realSizedFusedQKVConfigAloneGivesOnePairAndOneFusedBlockPerLayer(_ index: Int) throws {
        let expected = Self.fusedConfigs[index]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-fused-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(expected.config.utf8).write(to: folder.appendingPathComponent("config.json"))
        let loaded = try ModelLoading.load(folder)
        #expect(loaded.isMeta)
        let trace = try TraceSearcher(model: loaded.model, graph: loaded.model.trace(PlaceholderInputs.make(for: loaded.model, shape: nil, dtype: nil, meta: true)))
        let report = try SearchReport(trace: trace)
        let pairs = try #require(report.linear2linear)
        #expect(pairs.count == expected.layers)
        #expect(pairs.allSatisfy { $0.safe })
        #expect(pairs.first?.rootLinear == expected.pair.0 && pairs.first?.targetFrontierLinears == [expected.pair.1])
        let blocks = try #require(report.mha)
        #expect(blocks.count == expected.layers)
        #expect(blocks.allSatisfy { $0.numHeads == expected.heads && $0.numKVHeads == expected.keyValueHeads && $0.headSize == expected.headSize })
        #expect(blocks.allSatisfy { $0.qkvLayout == expected.layout && $0.qkv.count == (expected.layout == nil ? 3 : 1) }, "\(blocks.first.map { "\($0)" } ?? "")")
        #expect(report.head == "lm_head")
    }

    /// The search of a folder holding only `config` (loaded in meta mode, which it checks).
    static func searchConfigAlone(_ name: String, _ config: String) throws -> SearchReport {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-\(name)-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        let loaded = try ModelLoading.load(folder)
        #expect(loaded.isMeta)
        let trace = try TraceSearcher(model: loaded.model, graph: loaded.model.trace(PlaceholderInputs.make(for: loaded.model, shape: nil, dtype: nil, meta: true)))
        return try SearchReport(trace: trace)
    }

    /// Real-sized encoder configs alone, searched in meta mode: one feed-forward pair and one
    /// attention block of `heads` heads per layer, the first pair named `firstRoot`.
    @Test(arguments: [
        ("xlm-roberta", #"{"architectures": ["XLMRobertaForSequenceClassification"], "model_type": "xlm-roberta", "hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 24, "num_attention_heads": 16, "vocab_size": 250002, "max_position_embeddings": 514, "type_vocab_size": 1, "layer_norm_eps": 1e-05}"#,
         24, 16, "roberta.encoder.layer.0.output.dense"),
        ("mpnet", #"{"architectures": ["MPNetForSequenceClassification"], "model_type": "mpnet", "hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12, "num_attention_heads": 12, "vocab_size": 30527, "max_position_embeddings": 514, "layer_norm_eps": 1e-05}"#,
         12, 12, "mpnet.encoder.layer.0.output.dense"),
    ])
    func realSizedEncoderConfigAloneGivesOnePairAndOneBlockPerLayer(_ name: String, _ config: String, layers: Int, heads: Int, firstRoot: String) throws {
        let report = try Self.searchConfigAlone(name, config)
        let pairs = try #require(report.linear2linear).filter { $0.safe }
        #expect(pairs.count == layers && pairs.first?.rootLinear == firstRoot)
        let blocks = try #require(report.mha)
        #expect(blocks.count == layers)
        #expect(blocks.allSatisfy { $0.numHeads == heads && $0.numKVHeads == heads })
    }

    /// DeBERTa-v3-large's config alone (relative attention with 256 log buckets, shared
    /// attention key), in meta mode: a feed-forward pair and a 16-head block per layer, and the
    /// classifier's pair with ContextPooler's dense (through its GELU), as INC finds on the fixture.
    @Test func debertaV3LargeConfigAloneFindsEveryLayerAndThePoolerPair() throws {
        let config = #"{"architectures": ["DebertaV2ForSequenceClassification"], "model_type": "deberta-v2", "hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 24, "num_attention_heads": 16, "vocab_size": 128100, "max_position_embeddings": 512, "type_vocab_size": 0, "layer_norm_eps": 1e-07, "relative_attention": true, "position_buckets": 256, "max_relative_positions": -1, "norm_rel_ebd": "layer_norm", "share_att_key": true, "pos_att_type": "p2c|c2p", "position_biased_input": false, "pooler_hidden_size": 1024, "pooler_dropout": 0, "pooler_hidden_act": "gelu"}"#
        let report = try Self.searchConfigAlone("deberta-v3-large", config)
        let pairs = try #require(report.linear2linear).filter { $0.safe }
        #expect(pairs.map(\.rootLinear) == (0..<24).map { "deberta.encoder.layer.\($0).output.dense" } + ["classifier"])
        let blocks = try #require(report.mha)
        #expect(blocks.count == 24)
        #expect(blocks.allSatisfy { $0.numHeads == 16 && $0.headSize == 64 && $0.ffn.first?.hasSuffix("attention.output.dense") == true })
        #expect(report.head == "classifier")
    }
}
