import Foundation
import Models
import Searchers
import Testing
import TestFixtures

/// Mixtral-8x7B- and Qwen3-235B-A22B-shaped config.json files alone (`Tests/Fixtures/configs`) are
/// searched in meta mode: one routed-experts finding per layer covering every expert, one
/// grouped-query attention block per layer. The time bound here only catches a blow-up in a debug
/// build on a busy machine; the release figure (under a second) is measured by
/// `scripts/large-config-search.sh`.
@Suite struct LargeMoEConfigSearchTests {
    static func search(_ config: String) throws -> (report: SearchReport, seconds: Double) {
        let folder = Fixtures.config(config)
        let start = Date()
        let loaded = try ModelLoading.load(folder)
        #expect(loaded.isMeta)
        let trace = try TraceSearcher(model: loaded.model, graph: loaded.model.trace(PlaceholderInputs.make(for: loaded.model, shape: nil, dtype: nil, meta: true)))
        let report = try SearchReport(trace: trace)
        return (report, Date().timeIntervalSince(start))
    }

    @Test func mixtral8x7BConfigAloneGivesThirtyTwoExpertBlocksOfEightExperts() throws {
        let (report, seconds) = try Self.search("mixtral-8x7b")
        let pairs = try #require(report.linear2linear)
        #expect(pairs.count == 32)
        #expect(pairs.allSatisfy { $0.experts == 8 && $0.fusedGLU == true && $0.safe })
        #expect(pairs.last?.rootLinear == "model.layers.31.mlp.experts.down_proj")
        let blocks = try #require(report.mha)
        #expect(blocks.count == 32 && blocks.allSatisfy { $0.numHeads == 32 && $0.numKVHeads == 8 && $0.headSize == 128 })
        print("Mixtral-8x7B config: searched in \(seconds) s")
        #expect(seconds < 10)
    }

    @Test func qwen3_235BConfigAloneGivesNinetyFourExpertBlocksOf128Experts() throws {
        let (report, seconds) = try Self.search("qwen3-235b-a22b")
        let pairs = try #require(report.linear2linear)
        #expect(pairs.count == 94)
        #expect(pairs.allSatisfy { $0.experts == 128 && $0.fusedGLU == true && $0.safe })
        let blocks = try #require(report.mha)
        #expect(blocks.count == 94 && blocks.allSatisfy { $0.numHeads == 64 && $0.numKVHeads == 4 && $0.headSize == 128 })
        print("Qwen3-235B-A22B config: searched in \(seconds) s")
        #expect(seconds < 10)
    }
}
