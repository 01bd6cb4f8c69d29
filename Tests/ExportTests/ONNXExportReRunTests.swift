import Export
import Foundation
import Slim
import Tensor
import Testing
import TestFixtures

/// The exported graph, re-run in process, gives the traced output at 16 tokens and the model's
/// own output at another batch size and length (the dynamic axes work), for every family (routed
/// experts and MPNet's relative position buckets included) and for per-layer slimmed models.
@Suite struct ONNXExportReRunTests {
    @Test(arguments: Fixtures.searchCases + ["deberta-v2-v3", "deberta-v2-buckets", "deberta-v2-separate"])
    func reRunMatchesTheTraceAndAnotherLength(_ name: String) throws {
        let export = try ExportTestSupport.export(try ExportTestSupport.load(name))
        #expect(export.checks.count == 2, "\(name): checked at \(export.checks.map(\.inputShape))")
        for check in export.checks {
            #expect(check.maxAbsoluteDifference <= 1e-4, "\(name) at \(check.inputShape): max abs diff \(check.maxAbsoluteDifference)")
        }
        #expect(export.checks.last?.inputShape != export.checks.first?.inputShape)
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

    /// A routed-experts model pruned in memory (the first 32 intermediate channels of every expert
    /// zeroed in each layer's `down_proj`, `[experts, hidden, intermediate]`) and slimmed per layer
    /// exports with its narrower experts and re-runs to the slimmed model's outputs.
    @Test(arguments: ["mixtral", "qwen2_moe", "qwen3_moe"])
    func slimmedRoutedExpertsExportAndReRun(_ name: String) throws {
        let model = try ExportTestSupport.load(name)
        var widths: [String: Int] = [:]
        for (path, parameter) in model.namedParameters() where path.hasSuffix("experts.down_proj") {
            widths[path] = parameter.tensor.shape[2]
            let shape = parameter.tensor.shape
            var values = try parameter.tensor.floats()
            for index in values.indices where index % shape[2] < 32 { values[index] = 0 }
            parameter.tensor = try Tensor(values, shape: shape)
        }
        let report = try ModelSlimmer().slim(model)
        #expect(report.changes.contains { $0.kind == .channels && $0.removed.count == 32 }, "\(name): \(report.changes)")
        let export = try ExportTestSupport.export(model)
        #expect(!widths.isEmpty)
        for (path, width) in widths {
            #expect(export.weights[path]?.shape.last == width - 32, "\(name): \(path) exports as \(export.weights[path]?.shape ?? [])")
        }
        for check in export.checks {
            #expect(check.maxAbsoluteDifference <= 1e-4, "\(name) slimmed at \(check.inputShape): max abs diff \(check.maxAbsoluteDifference)")
        }
    }
}
