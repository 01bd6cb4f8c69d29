import Foundation
import Models
import SearchWorkloads
import Tensor

// Time from opening a BERT-base-sized F32 checkpoint (about 440 MB) to a model ready for its first
// forward: config.json, safetensors header validation, mmap, parameters bound in place (zero copy).
// The file is in the page cache (written just before); medians of repeated loads.
//
//   swift run -c release LoadTime [--repeat N]

let arguments = CommandLine.arguments
let repeats = arguments.firstIndex(of: "--repeat").flatMap { Int(arguments[$0 + 1]) } ?? 21

let workload = try CheckpointWorkload()
defer { workload.remove() }
var loads: [Double] = []
var firstForward: [Double] = []
for _ in 0..<repeats {
    let start = DispatchTime.now()
    let model = try workload.load()
    let loaded = DispatchTime.now()
    _ = try model.forward(PlaceholderInputs.make(for: model, shape: [1, 128], dtype: nil))
    let forwarded = DispatchTime.now()
    loads.append(Double(loaded.uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
    firstForward.append(Double(forwarded.uptimeNanoseconds - loaded.uptimeNanoseconds) / 1e6)
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
print(String(format: "checkpoint %.0f MB: load median %.2f ms (min %.2f, max %.2f) over %d loads; first forward [1,128] median %.1f ms",
             Double(workload.bytes) / 1e6, median(loads), loads.min()!, loads.max()!, repeats, median(firstForward)))
