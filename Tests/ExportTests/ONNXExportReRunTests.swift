import Export
import Foundation
import Slim
import Testing
import TestFixtures

/// The exported graph, re-run in process, gives the traced output at 16 tokens and the model's
/// own output at another batch size and length (the dynamic axes work), for every family and for
/// per-layer slimmed models.
@Suite struct ONNXExportReRunTests {
    /// The families the exporter refuses, with the error that names the op or module at fault:
    /// routed experts (top-k routing, per-expert GEMMs) have no ONNX form yet, and MPNet's
    /// relative-position buckets are a table computed outside the graph from the input length.
    static let refused: [String: ONNXExportError] = [
        "mixtral": .unsupportedOp(op: "topk", module: "model.layers.0.mlp.gate"),
        "qwen2_moe": .unsupportedOp(op: "topk", module: "model.layers.0.mlp.gate"),
        "qwen3_moe": .unsupportedOp(op: "topk", module: "model.layers.0.mlp.gate"),
        "mpnet": .unsupportedConstant(module: "mpnet.encoder.relative_attention_bias", shape: [16, 16]),
    ]

    @Test(arguments: Fixtures.searchCases.filter { refused[$0] == nil } + ["deberta-v2-v3", "deberta-v2-buckets", "deberta-v2-separate"])
    func reRunMatchesTheTraceAndAnotherLength(_ name: String) throws {
        let export = try ExportTestSupport.export(try ExportTestSupport.load(name))
        #expect(export.checks.count == 2, "\(name): checked at \(export.checks.map(\.inputShape))")
        for check in export.checks {
            #expect(check.maxAbsoluteDifference <= 1e-4, "\(name) at \(check.inputShape): max abs diff \(check.maxAbsoluteDifference)")
        }
        #expect(export.checks.last?.inputShape != export.checks.first?.inputShape)
    }

    @Test(arguments: refused.keys.sorted())
    func refusedFamiliesAreAnErrorNamingTheOpOrModule(_ name: String) throws {
        let model = try ExportTestSupport.load(name)
        #expect(throws: Self.refused[name]!) {
            try ExportTestSupport.export(model)
        }
    }

    @Test(arguments: Fixtures.prunedCases)
    func slimmedPerLayerModelExportsAndReRuns(_ name: String) throws {
        let model = try ExportTestSupport.load(name)
        let report = try ModelSlimmer().slim(model)
        #expect(!report.changes.isEmpty, "\(name): nothing was slimmed")
        let export = try ExportTestSupport.export(model)
        for check in export.checks {
            #expect(check.maxAbsoluteDifference <= 1e-4, "\(name) slimmed at \(check.inputShape): max abs diff \(check.maxAbsoluteDifference)")
        }
    }
}
