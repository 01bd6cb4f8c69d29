import Foundation
import Models
import Searchers
import Testing

/// Mixtral-8x7B- and Qwen3-235B-A22B-shaped config.json files alone are searched in meta mode in
/// under a second: one routed-experts finding per layer covering every expert, one grouped-query
/// attention block per layer.
@Suite struct LargeMoEConfigSearchTests {
    static func search(_ config: String) throws -> (report: SearchReport, seconds: Double) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-moe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        let start = Date()
        let loaded = try ModelLoading.load(folder)
        #expect(loaded.isMeta)
        let trace = try TraceSearcher(model: loaded.model, graph: loaded.model.trace(PlaceholderInputs.make(for: loaded.model, shape: nil, dtype: nil, meta: true)))
        let report = try SearchReport(trace: trace)
        return (report, Date().timeIntervalSince(start))
    }

    @Test func mixtral8x7BConfigAloneGivesThirtyTwoExpertBlocksOfEightExpertsInUnderASecond() throws {
        let (report, seconds) = try Self.search("""
        {"architectures": ["MixtralForCausalLM"], "model_type": "mixtral", "hidden_size": 4096,
         "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
         "num_local_experts": 8, "num_experts_per_tok": 2, "vocab_size": 32000, "rms_norm_eps": 1e-05,
         "rope_theta": 1000000.0, "sliding_window": null, "tie_word_embeddings": false}
        """)
        let pairs = try #require(report.linear2linear)
        #expect(pairs.count == 32)
        #expect(pairs.allSatisfy { $0.experts == 8 && $0.fusedGLU == true && $0.safe })
        #expect(pairs.last?.rootLinear == "model.layers.31.mlp.experts.down_proj")
        let blocks = try #require(report.mha)
        #expect(blocks.count == 32 && blocks.allSatisfy { $0.numHeads == 32 && $0.numKVHeads == 8 && $0.headSize == 128 })
        print("Mixtral-8x7B config: searched in \(seconds) s")
        #expect(seconds < 1)
    }

    @Test func qwen3_235BConfigAloneGivesNinetyFourExpertBlocksOf128ExpertsInUnderASecond() throws {
        let (report, seconds) = try Self.search("""
        {"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "hidden_size": 4096,
         "intermediate_size": 12288, "moe_intermediate_size": 1536, "num_hidden_layers": 94,
         "num_attention_heads": 64, "num_key_value_heads": 4, "head_dim": 128, "num_experts": 128,
         "num_experts_per_tok": 8, "norm_topk_prob": true, "vocab_size": 151936, "rms_norm_eps": 1e-06,
         "rope_theta": 1000000.0, "decoder_sparse_step": 1, "mlp_only_layers": [], "tie_word_embeddings": false}
        """)
        let pairs = try #require(report.linear2linear)
        #expect(pairs.count == 94)
        #expect(pairs.allSatisfy { $0.experts == 128 && $0.fusedGLU == true && $0.safe })
        let blocks = try #require(report.mha)
        #expect(blocks.count == 94 && blocks.allSatisfy { $0.numHeads == 64 && $0.numKVHeads == 4 && $0.headSize == 128 })
        print("Qwen3-235B-A22B config: searched in \(seconds) s")
        #expect(seconds < 1)
    }
}
