import Foundation
@testable import Profiler
import SlimtraceCLI
import Tensor
import Testing

/// The profiler on toy models: attribution to the innermost module, FLOP rules, call counts,
/// failed forwards, the report's JSON and tables. No timing is asserted.
@Suite struct ProfilerUnitTests {
    static func toy() throws -> (model: ToyMLP, input: Tensor) {
        let model = ToyMLP()
        try loadRealWeights(model)
        return (model, try ramp([3, 5, ToyMLP.hidden], seed: 0.5))
    }

    @Test func eachOpGoesToTheInnermostModuleAndEachModuleCountsItsCalls() throws {
        let (model, x) = try Self.toy()
        let profiler = Profiler(model: model)
        try profiler.benchmark(warmup: 1, repeat: 3) { _ = try model(x) }
        let report = profiler.report(by: .module)
        #expect(report.forwards == 3 && report.warmup == 1)
        // fc1 is [8, 4] on 15 rows; fc2 [4, 8]; head [2, 4].
        #expect(report.row("layers.0.fc1")?.flops == Double(2 * 15 * 4 * 8))
        #expect(report.row("layers.1.fc2")?.flops == Double(2 * 15 * 8 * 4))
        #expect(report.row("head")?.flops == Double(2 * 15 * 4 * 2))
        #expect(report.row("layers.0.fc1")?.parameters == 8 * 4 + 8)
        // The residual add runs in the block itself; gelu in the activation module.
        #expect(report.row("layers.0")?.typeName == "ToyBlock")
        #expect(report.row("layers.0")?.ops == 1)
        #expect(report.row("layers.0")?.flops == Double(15 * 4))
        #expect(report.row("layers.1.act")?.flops == Double(15 * 8))
        #expect(report.row("layers.0.norm")?.flops == Double(15 * 4))
        #expect(report.row("layers.0.dropout")?.flops == 0)
        #expect(report.rows.allSatisfy { $0.calls == 1 })
        // Modules that run no op of their own (the root, the list) have no row.
        #expect(report.row("") == nil && report.row("layers") == nil)

        let byType = profiler.report(by: .type)
        #expect(byType.row("Linear")?.calls == 5)
        #expect(byType.row("Linear")?.parameters == 2 * (8 * 4 + 8 + 4 * 8 + 4) + 2 * 4 + 2)
        let byOp = profiler.report(by: .op)
        #expect(byOp.row("linear")?.calls == 5)
        #expect(byOp.row("add")?.calls == 2)
        #expect(byOp.rows.map(\.name).sorted() == ["add", "dropout", "gelu", "layer_norm", "linear"])
    }

    @Test func opsOutsideEveryModuleHaveTheirOwnRow() throws {
        let model = TwoLayer()
        try loadRealWeights(model)
        let profiler = Profiler(model: model)
        let ids = try Tensor(integers: [1, 2, 3], shape: [1, 3])
        _ = try profiler.profile { try model(ids).mul(2) }
        let report = profiler.report(by: .module)
        #expect(report.row(ProfileReport.outsideModules)?.ops == 1)
        #expect(report.row(ProfileReport.outsideModules)?.typeName == nil)
        // The root module's own add and mul.
        #expect(report.row("")?.ops == 2)
        #expect(report.row("")?.typeName == "TwoLayer")
    }

    @Test func flopRulesFollowTheShapes() throws {
        let a = Tensor.meta(shape: [2, 3, 5, 7], dtype: .f32)
        let b = Tensor.meta(shape: [2, 3, 7, 11], dtype: .f32)
        let product = Tensor.meta(shape: [2, 3, 5, 11], dtype: .f32)
        #expect(OpFLOPs.count(op: .matmul, inputs: [a, b], outputs: [product], attributes: [:]) == 2 * 6 * 5 * 7 * 11)
        let x = Tensor.meta(shape: [4, 6, 16], dtype: .f32)
        let outIn = Tensor.meta(shape: [32, 16], dtype: .f32)
        let inOut = Tensor.meta(shape: [16, 32], dtype: .f32)
        let y = Tensor.meta(shape: [4, 6, 32], dtype: .f32)
        #expect(OpFLOPs.count(op: .linear, inputs: [x, outIn], outputs: [y], attributes: [:]) == 2 * 24 * 16 * 32)
        #expect(OpFLOPs.count(op: .linear, inputs: [x, inOut], outputs: [y], attributes: ["layout": .string("inOut")]) == 2 * 24 * 16 * 32)
        let image = Tensor.meta(shape: [2, 3, 32, 32], dtype: .f32)
        let kernel = Tensor.meta(shape: [8, 3, 4, 4], dtype: .f32)
        let patches = Tensor.meta(shape: [2, 8, 8, 8], dtype: .f32)
        #expect(OpFLOPs.count(op: .conv2d, inputs: [image, kernel], outputs: [patches], attributes: [:]) == 2 * 2 * 8 * 8 * 8 * 3 * 4 * 4)
        #expect(OpFLOPs.count(op: .softmax, inputs: [y], outputs: [y], attributes: [:]) == y.elementCount)
        #expect(OpFLOPs.count(op: .sum, inputs: [y], outputs: [x], attributes: [:]) == y.elementCount)
        #expect(OpFLOPs.count(op: .reshape, inputs: [y], outputs: [y], attributes: [:]) == 0)
        #expect(OpFLOPs.count(op: .arange, inputs: [y], outputs: [y], attributes: [:]) == 0)
    }

    @Test func parametersAreReadUnchangedAndOutputsMatchAnUnprofiledForward() throws {
        let (model, x) = try Self.toy()
        let profiler = Profiler(model: model)
        #expect(profiler.read(model.head.weight, of: model.head).traceID == model.head.weight.tensor.traceID)
        let plain = try model(x)
        let profiled = try profiler.profile { try model(x) }
        #expect(try profiled.floats() == plain.floats())
    }

    @Test func aForwardThatThrowsIsNotASample() throws {
        let model = FaultyModel()
        try loadRealWeights(model)
        let profiler = Profiler(model: model)
        let x = try ramp([2, 4], seed: 1)
        #expect(throws: ToyError.self) { try profiler.profile { try model(x) } }
        #expect(profiler.forwardCount == 0)
        model.faulty.fails = false
        _ = try profiler.profile { try model(x) }
        let report = profiler.report(by: .op)
        #expect(report.forwards == 1)
        #expect(report.row("linear")?.calls == 2)
        #expect(report.row("relu")?.calls == 1)
    }

    @Test func profilingInsideAProfileAndBadCountsAreErrors() throws {
        let (model, x) = try Self.toy()
        let profiler = Profiler(model: model)
        #expect(throws: ProfilerError.alreadyProfiling) {
            try profiler.profile { try profiler.profile { try model(x) } }
        }
        #expect(throws: ProfilerError.invalidCount(argument: "repeat", value: 0)) {
            try profiler.benchmark(warmup: 0, repeat: 0) { _ = try model(x) }
        }
        #expect(throws: ProfilerError.invalidCount(argument: "warmup", value: -1)) {
            try profiler.benchmark(warmup: -1, repeat: 1) { _ = try model(x) }
        }
        #expect(ProfilerError.invalidCount(argument: "repeat", value: 0).errorDescription == "repeat must be at least 1, got 0")
    }

    @Test func benchmarkReportsProgressAfterEveryForward() throws {
        let (model, x) = try Self.toy()
        var steps: [BenchmarkProgress] = []
        try Profiler(model: model).benchmark(warmup: 2, repeat: 3, progress: { steps.append($0) }) { _ = try model(x) }
        #expect(steps.map(\.completed) == [1, 2, 3, 4, 5])
        #expect(steps.map(\.phase) == [.warmup, .warmup, .timed, .timed, .timed])
        #expect(steps.allSatisfy { $0.total == 5 })
    }

    @Test func resetForgetsTheSamples() throws {
        let (model, x) = try Self.toy()
        let profiler = Profiler(model: model)
        try profiler.benchmark(warmup: 1, repeat: 2) { _ = try model(x) }
        profiler.reset()
        let empty = profiler.report(by: .module)
        #expect(empty.forwards == 0 && empty.warmup == 0 && empty.rows.isEmpty && empty.flops == 0)
        #expect(empty.forwardMedianMilliseconds == 0 && empty.betweenOps.share == 0)
    }

    @Test func reportJSONReadsBackAndUsesSnakeCaseKeys() throws {
        let (model, x) = try Self.toy()
        let profiler = Profiler(model: model)
        try profiler.benchmark(warmup: 0, repeat: 2) { _ = try model(x) }
        var report = profiler.report(by: .module)
        report.checkpoint = "toy"
        report.inputs = ["x 3x5x4 f32"]
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(ProfileReport.self, from: data) == report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["forward_median_ms", "gflop_per_s", "between_ops", "by", "rows", "parameters", "flops"] {
            #expect(object[key] != nil, "\(key)")
        }
        let row = try #require((object["rows"] as? [[String: Any]])?.first)
        for key in ["name", "type", "calls", "ops", "flops", "median_ms", "share", "inclusive_median_ms", "parameters"] {
            #expect(row[key] != nil, "\(key)")
        }
    }

    @Test func tablesListEveryRowAndATotal() throws {
        let (model, x) = try Self.toy()
        let profiler = Profiler(model: model)
        try profiler.benchmark(warmup: 0, repeat: 2) { _ = try model(x) }
        let report = profiler.report(by: .module)
        let table = report.table()
        for row in report.rows { #expect(table.contains(row.name)) }
        #expect(table.contains("<between ops>") && table.contains("total (forward)"))
        #expect(!table.split(separator: "\n").contains { $0.hasSuffix(" ") })

        let comparison = ProfileComparison(before: report, after: report)
        #expect(comparison.rows.count == report.rows.count)
        #expect(comparison.rows.allSatisfy { $0.before == $0.after && ($0.speedup == nil || $0.speedup == 1) })
        #expect(comparison.parameterRatio == 1 && comparison.timeRatio == 1)
        let text = comparison.table()
        #expect(text.contains("ms before") && text.contains("speedup") && text.contains("total (forward)"))
    }

    @Test func comparisonMatchesRowsByNameAndKeepsRowsOnlyOneSideHas() throws {
        func row(_ name: String, _ ms: Double) -> ProfileReport.Row {
            ProfileReport.Row(name: name, typeName: "Linear", calls: 1, ops: 1, flops: 100, medianMilliseconds: ms, share: 0.25, parameters: 10)
        }
        func report(_ rows: [ProfileReport.Row], parameters: Int, ms: Double) -> ProfileReport {
            ProfileReport(model: "M", parameters: parameters, grouping: .module, warmup: 0, forwards: 1,
                          forwardMedianMilliseconds: ms, forwardMinMilliseconds: ms, forwardMaxMilliseconds: ms,
                          flops: 300, rows: rows, betweenOps: .init(medianMilliseconds: 0, share: 0.25))
        }
        let before = report([row("a", 4), row("b", 2), row("gone", 1)], parameters: 100, ms: 8)
        let after = report([row("b", 1), row("a", 2), row("new", 1)], parameters: 50, ms: 4)
        let comparison = ProfileComparison(before: before, after: after)
        #expect(comparison.rows.map(\.name) == ["a", "b", "gone", "new"])
        #expect(comparison.row("a")?.speedup == 2)
        #expect(comparison.row("gone")?.after == nil && comparison.row("gone")?.speedup == nil)
        #expect(comparison.row("new")?.before == nil)
        #expect(comparison.speedup == 2 && comparison.timeRatio == 0.5 && comparison.parameterRatio == 0.5)
    }
}
