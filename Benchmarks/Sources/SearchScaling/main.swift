import Foundation
import SearchWorkloads

// End-to-end search time (build in meta mode + trace + Linear2Linear + SelfMHA + head) of BERTs with
// hidden size 64 and 12 to 768 layers: medians of repeated runs, the trace/search split, and
// milliseconds per layer (flat means linear growth). INC 2.6's search-only seconds on the same
// shapes, measured on this machine, for comparison (its trace adds 6.6 s at 96 layers).
//
//   swift run -c release SearchScaling [--repeat N]

let arguments = CommandLine.arguments
let repeats = arguments.firstIndex(of: "--repeat").flatMap { Int(arguments[$0 + 1]) } ?? 15
let incSearchSeconds: [Int: Double] = [12: 0.11, 24: 0.40, 48: 1.53, 96: 5.98]

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

print("layers  nodes   l2l  mha  trace ms  search ms  total ms  ms/layer  INC 2.6 search s")
for layers in [12, 24, 48, 96, 768] {
    let workload = try SearchWorkload(layers: layers)
    var totals: [Double] = [], traces: [Double] = [], searches: [Double] = []
    var nodes = 0, pairs = 0, blocks = 0
    for _ in 0..<repeats {
        let start = DispatchTime.now()
        let report = try workload.run()
        totals.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
        traces.append(report.traceSeconds * 1000)
        searches.append(report.searchSeconds * 1000)
        (nodes, pairs, blocks) = (report.graphNodes, report.linear2linear?.count ?? 0, report.mha?.count ?? 0)
    }
    precondition(pairs == layers && blocks == layers, "wrong findings for \(layers) layers")
    let inc = incSearchSeconds[layers].map { String(format: "%.2f", $0) } ?? "-"
    print(String(format: "%6d  %5d  %4d %4d  %8.2f  %9.2f  %8.2f  %8.3f  %@",
                 layers, nodes, pairs, blocks, median(traces), median(searches), median(totals), median(totals) / Double(layers), inc))
}
