import Foundation
import Models
import NN
import Prune
import Tensor
import Testing
import TestFixtures

/// Captures every input of the `linear` ops run directly in one module: the direct computation
/// the streaming statistics are checked against.
private final class InputCapture: OpRecorder, ModuleCallObserver {
    let target: ObjectIdentifier
    var rows: [[Float]] = []
    private var stack: [ObjectIdentifier] = []
    init(_ module: Module) { target = ObjectIdentifier(module) }
    func record(op: Op, inputs: [Tensor], outputs: [Tensor], attributes: [String: OpAttribute]) -> [Int] {
        if op == .linear, stack.last == target, let input = inputs.first, let width = input.shape.last, let values = try? input.floats() {
            for start in stride(from: 0, to: values.count, by: width) { rows.append(Array(values[start..<(start + width)])) }
        }
        return outputs.map { _ in -1 }
    }
    func enter(_ module: Module) { stack.append(ObjectIdentifier(module)) }
    func exit(_ module: Module) { stack.removeLast() }
    func read(_ parameter: Parameter, of module: Module) -> Tensor { parameter.tensor }
}

@Suite struct StatisticsTests {
    @Test func streamingStatisticsEqualTwoPassOverBatchesOfDifferentSizes() {
        let width = 5
        let batches = [3, 1, 7].enumerated().map { PruneTestSupport.values($1 * width, seed: UInt64($0)).map { $0 * 3 + 10 } }
        var statistics = ChannelStatistics(channels: width)
        for batch in batches { batch.withUnsafeBufferPointer { statistics.add($0, rows: batch.count / width) } }
        let all = batches.flatMap { $0 }
        let rows = all.count / width
        for channel in 0..<width {
            let column = (0..<rows).map { Double(all[$0 * width + channel]) }
            let mean = column.reduce(0, +) / Double(rows)
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rows - 1)
            #expect(abs(statistics.mean[channel] - mean) < 1e-9)
            #expect(abs(statistics.variance[channel] - variance) < 1e-9, "variance \(statistics.variance[channel]) vs \(variance)")
            #expect(abs(statistics.squaredNorm[channel] - column.reduce(0) { $0 + $1 * $1 }) < 1e-6)
        }
        #expect(statistics.count == rows)
    }

    @Test func recorderStatisticsAtDownProjEqualDirectComputationOnTheLlamaFixture() throws {
        let model = try Checkpoint(directory: Fixtures.model("llama")).loadModel()
        let path = "model.layers.1.mlp.down_proj"
        let downProj = try #require(model.namedModules().first { $0.path == path }?.module as? Linear)
        let recorder = try ActivationRecorder(model: model, paths: [(path, downProj.inFeatures)])
        let capture = InputCapture(downProj)
        let windows = try TokenWindows(ids: PruneTestSupport.ids(40, vocabulary: 1000, seed: 7), length: 12, stride: 9, samples: nil, source: "ids")
        for batch in try windows.batches() {
            _ = try recorder.observe { try model.forward(batch) }
            _ = try OpRecording.withRecorder(capture) { try model.forward(batch) }
        }
        let statistics = try #require(recorder.statistics[path])
        #expect(statistics.count == 4 * 12 && capture.rows.count == 48)
        for channel in 0..<downProj.inFeatures {
            let column = capture.rows.map { Double($0[channel]) }
            let mean = column.reduce(0, +) / Double(column.count)
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count - 1)
            #expect(abs(statistics.mean[channel] - mean) < 1e-9)
            #expect(abs(statistics.variance[channel] - variance) <= 1e-9 * max(1, variance))
        }
    }
}
