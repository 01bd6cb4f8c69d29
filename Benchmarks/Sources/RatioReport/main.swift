// Runs each tensor op and its bare baseline in the same process, interleaved call by call, and
// prints median times, rates and the ratio against each goal:
//   linear      ≥ 0.9 × the GFLOP/s of one bare cblas_sgemm(RowMajor, NoTrans, Trans) on the same shape
//   elementwise ≤ 3 × the time of a plain memcpy of the tensor's bytes (1.5 MiB)
//
//   swift run -c release RatioReport [--iterations N] [--warmup N] [--check]
//
// --check exits 1 when a goal is missed (the default is to report only).
import Foundation
import Workloads

struct Options {
    var iterations = 300
    var warmup = 20
    var check = false

    init(_ arguments: [String]) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--iterations": iterations = Options.number(after: argument, &rest)
            case "--warmup": warmup = Options.number(after: argument, &rest)
            case "--check": check = true
            case "-h", "--help": Options.usage(nil)
            default: Options.usage("unknown argument \(argument)")
            }
        }
        if iterations < 1 { Options.usage("--iterations must be at least 1") }
    }

    static func number(after flag: String, _ rest: inout ArraySlice<String>) -> Int {
        guard let number = rest.popFirst().flatMap(Int.init) else { usage("\(flag) needs a number") }
        return number
    }

    static func usage(_ error: String?) -> Never {
        if let error { FileHandle.standardError.write(Data("error: \(error)\n".utf8)) }
        print("usage: RatioReport [--iterations N (300)] [--warmup N (20)] [--check]")
        exit(error == nil ? 0 : 2)
    }
}

func median(_ samples: [UInt64]) -> Double {
    let sorted = samples.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? Double(sorted[middle]) : (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
}

/// Median seconds per call of the op and of its baseline, alternating which goes first each round.
func measure(_ comparison: Comparison, iterations: Int, warmup: Int) throws -> (op: Double, baseline: Double) {
    for _ in 0..<warmup {
        try comparison.op.call()
        try comparison.baseline.call()
    }
    var opSamples: [UInt64] = [], baselineSamples: [UInt64] = []
    opSamples.reserveCapacity(iterations)
    baselineSamples.reserveCapacity(iterations)
    func time(_ workload: Workload, into samples: inout [UInt64]) throws {
        let start = monotonicNanoseconds()
        try workload.call()
        samples.append(monotonicNanoseconds() - start)
    }
    for round in 0..<iterations {
        if round % 2 == 0 {
            try time(comparison.op, into: &opSamples)
            try time(comparison.baseline, into: &baselineSamples)
        } else {
            try time(comparison.baseline, into: &baselineSamples)
            try time(comparison.op, into: &opSamples)
        }
    }
    return (median(opSamples) / 1e9, median(baselineSamples) / 1e9)
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding
}

func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

let options = Options(Array(CommandLine.arguments.dropFirst()))
print("slimtrace tensor op ratios: \(options.iterations) interleaved iterations per pair (median), \(options.warmup) warm-up")
let cores = ProcessInfo.processInfo.activeProcessorCount
print("cores: \(cores); BLAS: \(blasDescription())")
// Another process on the same cores skews the absolute rates (the interleaved ratios much less).
if let loadAverage = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8).split(separator: " ").first,
   let load = Double(loadAverage) {
    print("1-minute load average at start: \(loadAverage)\(load > Double(cores) / 2 ? " (busy machine: absolute rates are low, ratios still compare like with like)" : "")")
}
print()

let columns: [(String, Int, Bool)] = [
    ("op", 10, false), ("shape", 15, false), ("median ms", 10, true), ("rate", 16, true),
    ("baseline", 12, false), ("base ms", 9, true), ("base rate", 16, true), ("ratio", 7, true), ("goal", 22, false), ("", 4, false),
]
print(columns.map { pad($0.0, $0.1, right: $0.2) }.joined(separator: "  "))
print(columns.map { String(repeating: "-", count: $0.1) }.joined(separator: "  "))

var missed = 0
for comparison in try Workloads.all() {
    let (op, baseline) = try measure(comparison, iterations: options.iterations, warmup: options.warmup)
    let ratio = comparison.goal.ratio(opSeconds: op, baselineSeconds: baseline)
    let met = comparison.goal.isMet(ratio: ratio)
    if !met { missed += 1 }
    let row = [
        comparison.op.name, comparison.op.shape, fixed(op * 1e3, 4),
        "\(fixed(comparison.op.work.rate(seconds: op), 2)) \(comparison.op.work.unit)",
        comparison.baseline.name, fixed(baseline * 1e3, 4),
        "\(fixed(comparison.baseline.work.rate(seconds: baseline), 2)) \(comparison.baseline.work.unit)",
        fixed(ratio, 2) + (comparison.goal.isTimeRatio ? "×" : ""), comparison.goal.description, met ? "ok" : "MISS",
    ]
    print(zip(columns, row).map { pad($1, $0.1, right: $0.2) }.joined(separator: "  "))
}
print()
print("linear: rate = 2·M·N·K / median time; ratio = linear GFLOP/s ÷ sgemm GFLOP/s (goal ≥ 0.9).")
print("elementwise: rate = (inputs read + output written) bytes / median time (memcpy: 1.5 MiB read + 1.5 MiB written);")
print("             ratio = op median time ÷ memcpy median time (goal ≤ 3×).")
if options.check && missed > 0 {
    print("\(missed) goal(s) missed")
    exit(1)
}
