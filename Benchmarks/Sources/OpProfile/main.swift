// Where a model's forward spends its time, op by op: runs BERT-base's forward (1×128 tokens,
// random weights) under a recorder that timestamps every recorded op, and prints the time per op
// kind (an op's time is the time since the previous op ended, so module bookkeeping between ops
// is charged to the next op), the large-tensor allocations per forward and how many reused a
// pooled block, and the total.
//
//   swift run -c release OpProfile [--iterations N]
import Foundation
import Tensor
import Workloads

/// Charges the time since the previous recorded op to each op kind.
final class OpTimer: OpRecorder {
    var last = monotonicNanoseconds()
    var totals: [String: (nanoseconds: UInt64, calls: Int)] = [:]
    var order: [String] = []
    var nextID = 0

    func record(op: String, inputs: [Tensor], outputs: [Tensor], attributes: [String: OpAttribute]) -> [Int] {
        let now = monotonicNanoseconds()
        var key = op
        if op == "linear" || op == "matmul" || op == "softmax" || op == "gelu" || op == "layer_norm" || op == "add" || op == "mul" {
            key += " " + inputs.map { $0.shape.map(String.init).joined(separator: "x") }.prefix(2).joined(separator: ",")
        }
        if totals[key] == nil { order.append(key) }
        totals[key, default: (0, 0)].nanoseconds += now - last
        totals[key, default: (0, 0)].calls += 1
        last = now
        defer { nextID += outputs.count }
        return Array(nextID..<(nextID + outputs.count))
    }
}

var iterations = 10
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--iterations", let value = arguments.popFirst().flatMap(Int.init) { iterations = value }
}

let model = try ModelForward.bertBase()
for _ in 0..<3 { keep(try model.forward()) }
let timer = OpTimer()
let poolBefore = TensorStorage.poolStatistics
var wall: [UInt64] = []
for _ in 0..<iterations {
    let start = monotonicNanoseconds()
    timer.last = start
    keep(try OpRecording.withRecorder(timer) { try model.forward() })
    wall.append(monotonicNanoseconds() - start)
}
let poolAfter = TensorStorage.poolStatistics
let total = Double(wall.reduce(0, +)) / Double(iterations) / 1e6
func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding
}
print("\(model.name) forward \(model.shape): \(String(format: "%.2f", total)) ms mean over \(iterations) (\(String(format: "%.1f", model.flops / (total / 1e3) / 1e9)) GFLOP/s)")
let allocations = (poolAfter.allocations - poolBefore.allocations) / iterations
let reused = (poolAfter.reused - poolBefore.reused) / iterations
print("tensor blocks ≥ 64 KiB per forward: \(allocations) allocated, \(reused) of them reused from the pool; \(poolAfter.cachedBytes / 1024) KiB pooled")
print(pad("op (input shapes)", 44, right: false) + pad("calls", 8) + pad("ms/forward", 12) + pad("share", 8))
for key in timer.order.sorted(by: { timer.totals[$0]!.nanoseconds > timer.totals[$1]!.nanoseconds }) {
    let entry = timer.totals[key]!
    let ms = Double(entry.nanoseconds) / Double(iterations) / 1e6
    print(pad(key, 44, right: false) + pad("\(entry.calls / iterations)", 8) + pad(String(format: "%.3f", ms), 12) + pad(String(format: "%.1f%%", 100 * ms / total), 8))
}
