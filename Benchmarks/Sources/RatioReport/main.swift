// Runs each tensor op and its bare baseline in the same process, interleaved call by call, and
// prints median times, rates and the ratio against each goal:
//   linear      ≥ 0.9 × the GFLOP/s of the backend's bare sgemm(RowMajor, NoTrans, Trans) on the same shape,
//               on every GEMM backend and kernel this machine runs (`GEMM.availableBackends()`;
//               --active-backend: only the one slimtrace chose), GFLOP/s per backend
//   matmul      BERT-base's attention matmuls (12 heads, 128 tokens, head 64) ≥ 0.9 × the same
//               per-head GEMMs called bare
//   elementwise ≤ 3 × the time of a plain memcpy of the tensor's bytes (1.5 MiB)
// then a BERT-base forward (1×128 tokens, random weights), untraced and traced, interleaved with a
// bare sgemm at [128, 768] × [768, 3072]: seconds per forward, effective GFLOP/s (linears and
// attention matmuls), forward GFLOP/s ÷ sgemm GFLOP/s, and traced ÷ untraced time (the tracer's cost).
//
//   swift run -c release RatioReport [--iterations N] [--warmup N] [--model-iterations N] [--ops-only | --model-only]
//                                    [--active-backend] [--check]
//
// --check exits 1 when a goal is missed (the default is to report only).
import Foundation
import Tensor
import Workloads

struct Options {
    var iterations = 300
    var warmup = 20
    var modelIterations = 20
    var modelWarmup = 3
    var ops = true
    var model = true
    var check = false
    var activeBackendOnly = false

    init(_ arguments: [String]) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--iterations": iterations = Options.number(after: argument, &rest)
            case "--warmup": warmup = Options.number(after: argument, &rest)
            case "--model-iterations": modelIterations = Options.number(after: argument, &rest)
            case "--model-warmup": modelWarmup = Options.number(after: argument, &rest)
            case "--ops-only": model = false
            case "--model-only": ops = false
            case "--check": check = true
            case "--active-backend": activeBackendOnly = true
            case "-h", "--help": Options.usage(nil)
            default: Options.usage("unknown argument \(argument)")
            }
        }
        if iterations < 1 || modelIterations < 1 { Options.usage("--iterations and --model-iterations must be at least 1") }
        if !ops && !model { Options.usage("--ops-only and --model-only exclude each other") }
    }

    static func number(after flag: String, _ rest: inout ArraySlice<String>) -> Int {
        guard let number = rest.popFirst().flatMap(Int.init) else { usage("\(flag) needs a number") }
        return number
    }

    static func usage(_ error: String?) -> Never {
        if let error { FileHandle.standardError.write(Data("error: \(error)\n".utf8)) }
        print("usage: RatioReport [--iterations N (300)] [--warmup N (20)] [--model-iterations N (20)] [--model-warmup N (3)]")
        print("                   [--ops-only | --model-only] [--active-backend] [--check]")
        exit(error == nil ? 0 : 2)
    }
}

func median(_ samples: [UInt64]) -> Double {
    let sorted = samples.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? Double(sorted[middle]) : (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
}

/// Median seconds per call of each workload, measured round-robin in the same process: every round
/// calls each workload once, starting one later each round, so load on the machine falls on all alike.
func measure(_ workloads: [Workload], iterations: Int, warmup: Int) throws -> [Double] {
    for _ in 0..<warmup {
        for workload in workloads { try workload.call() }
    }
    var samples = [[UInt64]](repeating: [], count: workloads.count)
    for index in samples.indices { samples[index].reserveCapacity(iterations) }
    for round in 0..<iterations {
        for step in workloads.indices {
            let index = (round + step) % workloads.count
            let start = monotonicNanoseconds()
            try workloads[index].call()
            samples[index].append(monotonicNanoseconds() - start)
        }
    }
    return samples.map { median($0) / 1e9 }
}

/// Median seconds per call of the op and of its baseline, alternating which goes first each round.
func measure(_ comparison: Comparison, iterations: Int, warmup: Int) throws -> (op: Double, baseline: Double) {
    let times = try measure([comparison.op, comparison.baseline], iterations: iterations, warmup: warmup)
    return (times[0], times[1])
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding
}

func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

let options = Options(Array(CommandLine.arguments.dropFirst()))
print("slimtrace tensor op ratios: \(options.iterations) interleaved iterations per pair (median), \(options.warmup) warm-up")
let cores = ProcessInfo.processInfo.activeProcessorCount
print("cores: \(cores); linked BLAS: \(blasDescription())")
print("GEMM slimtrace chose: \(GEMM.selection.summary)")
// Another process on the same cores skews the absolute rates (the interleaved ratios much less).
if let loadAverage = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8).split(separator: " ").first,
   let load = Double(loadAverage) {
    print("1-minute load average at start: \(loadAverage)\(load > Double(cores) / 2 ? " (busy machine: absolute rates are low, ratios still compare like with like)" : "")")
}
print()

var missed = 0
if options.ops {
    let columns: [(String, Int, Bool)] = [
        ("op", 10, false), ("shape", 15, false), ("median ms", 10, true), ("rate", 16, true),
        ("baseline", 12, false), ("base ms", 9, true), ("base rate", 16, true), ("ratio", 7, true), ("goal", 22, false), ("", 4, false),
    ]
    print(columns.map { pad($0.0, $0.1, right: $0.2) }.joined(separator: "  "))
    print(columns.map { String(repeating: "-", count: $0.1) }.joined(separator: "  "))

    let backends = options.activeBackendOnly ? [GEMM.active] : GEMM.availableBackends()
    let comparisons = try backends.flatMap { backend in try Workloads.gemm(backend: backend).map { (backend.description, $0) } }
        + Workloads.elementwise().map { ("", $0) }
    var section: String?
    for (backend, comparison) in comparisons {
        if backend != section {
            section = backend
            print(backend.isEmpty ? "elementwise (no GEMM)" : "GEMM backend: \(backend)")
        }
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
    print("linear, matmul: rate = 2·M·N·K / median time; ratio = op GFLOP/s ÷ the backend's bare sgemm GFLOP/s (goal ≥ 0.9).")
    print("elementwise: rate = (inputs read + output written) bytes / median time (memcpy: 1.5 MiB read + 1.5 MiB written);")
    print("             ratio = op median time ÷ memcpy median time (goal ≤ 3×).")
    print()
}

if options.model {
    let comparison = try Workloads.bertBaseForward()
    let model = comparison.model
    print("model forward: \(model.name) (\(model.model.typeName)), input_ids \(model.shape), random f32 weights, \(model.opCount) ops per forward")
    print("FLOPs per forward: \(fixed(model.flops / 1e9, 2)) GFLOP = linears \(fixed(model.linearFlops / 1e9, 2)) + attention matmuls \(fixed(model.matmulFlops / 1e9, 2))")
    print("\(options.modelIterations) round-robin rounds (median), \(options.modelWarmup) warm-up")
    print()
    let times = try measure([comparison.forward, comparison.tracedForward, comparison.sgemm],
                            iterations: options.modelIterations, warmup: options.modelWarmup)
    let (forward, traced, sgemm) = (times[0], times[1], times[2])
    let modelColumns: [(String, Int, Bool)] = [("workload", 16, false), ("shape", 15, false), ("median ms", 10, true), ("rate", 16, true)]
    print(modelColumns.map { pad($0.0, $0.1, right: $0.2) }.joined(separator: "  "))
    print(modelColumns.map { String(repeating: "-", count: $0.1) }.joined(separator: "  "))
    for (workload, seconds) in [(comparison.forward, forward), (comparison.tracedForward, traced), (comparison.sgemm, sgemm)] {
        let row = [workload.name, workload.shape, fixed(seconds * 1e3, 3), "\(fixed(workload.work.rate(seconds: seconds), 2)) \(workload.work.unit)"]
        print(zip(modelColumns, row).map { pad($1, $0.1, right: $0.2) }.joined(separator: "  "))
    }
    let throughputRatio = comparison.forward.work.rate(seconds: forward) / comparison.sgemm.work.rate(seconds: sgemm)
    let traceRatio = traced / forward
    print()
    print("seconds per forward: \(fixed(forward, 4)) untraced, \(fixed(traced, 4)) traced")
    print("forward GFLOP/s ÷ sgemm GFLOP/s: \(fixed(throughputRatio, 2)) (\(GEMM.active))")
    print("traced ÷ untraced time:          \(fixed(traceRatio, 3))×")
    print("forward rate = counted FLOPs / median time (elementwise ops, norms and softmax are not counted).")
}

if options.check && missed > 0 {
    print("\(missed) goal(s) missed")
    exit(1)
}
