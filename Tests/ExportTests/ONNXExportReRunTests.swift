import Export
import Foundation
import Slim
import Testing
import TestFixtures

/// The exported graph, re-run in process, gives the traced output at 16 tokens and the model's
/// own output at another batch size and length (the dynamic axes work), for every family and for
/// per-layer slimmed models.
@Suite struct ONNXExportReRunTests {
    /// The families whose routed experts (top-k routing, per-expert GEMMs) have no ONNX form yet.
    static let routedExpertCases: Set<String> = ["mixtral", "qwen2_moe", "qwen3_moe"]

    @Test(arguments: Fixtures.searchCases.filter { !routedExpertCases.contains($0) })
    func reRunMatchesTheTraceAndAnotherLength(_ name: String) throws {
        let export = try ExportTestSupport.export(try ExportTestSupport.load(name))
        #expect(export.checks.count == 2, "\(name): checked at \(export.checks.map(\.inputShape))")
        for check in export.checks {
            #expect(check.maxAbsoluteDifference <= 1e-4, "\(name) at \(check.inputShape): max abs diff \(check.maxAbsoluteDifference)")
        }
        #expect(export.checks.last?.inputShape != export.checks.first?.inputShape)
    }

    @Test(arguments: routedExpertCases.sorted())
    func routedExpertsAreRefusedNamingTheOpAndTheRouterModule(_ name: String) throws {
        let model = try ExportTestSupport.load(name)
        #expect(throws: ONNXExportError.unsupportedOp(op: "topk", module: "model.layers.0.mlp.gate")) {
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
