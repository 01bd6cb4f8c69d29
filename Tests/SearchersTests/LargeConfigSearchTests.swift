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

    /// Real-sized encoder configs alone, searched in meta mode: one feed-forward pair and one
    /// attention block of `heads` heads per layer, the first pair named `firstRoot`.
    @Test(arguments: [
        ("xlm-roberta", #"{"architectures": ["XLMRobertaForSequenceClassification"], "model_type": "xlm-roberta", "hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 24, "num_attention_heads": 16, "vocab_size": 250002, "max_position_embeddings": 514, "type_vocab_size": 1, "layer_norm_eps": 1e-05}"#,
         24, 16, "roberta.encoder.layer.0.output.dense"),
        ("mpnet", #"{"architectures": ["MPNetForSequenceClassification"], "model_type": "mpnet", "hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12, "num_attention_heads": 12, "vocab_size": 30527, "max_position_embeddings": 514, "layer_norm_eps": 1e-05}"#,
         12, 12, "mpnet.encoder.layer.0.output.dense"),
    ])
    func realSizedEncoderConfigAloneGivesOnePairAndOneBlockPerLayer(_ name: String, _ config: String, layers: Int, heads: Int, firstRoot: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-\(name)-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        let loaded = try ModelLoading.load(folder)
        #expect(loaded.isMeta)
        let trace = try TraceSearcher(model: loaded.model, graph: loaded.model.trace(PlaceholderInputs.make(for: loaded.model, shape: nil, dtype: nil, meta: true)))
        let report = try SearchReport(trace: trace)
        let pairs = try #require(report.linear2linear).filter { $0.safe }
        #expect(pairs.count == layers && pairs.first?.rootLinear == firstRoot)
        let blocks = try #require(report.mha)
        #expect(blocks.count == layers)
        #expect(blocks.allSatisfy { $0.numHeads == heads && $0.numKVHeads == heads })
    }
}
