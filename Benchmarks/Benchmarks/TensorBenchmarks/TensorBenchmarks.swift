// package-benchmark suite for the tensor runtime: every op next to its bare baseline on the same
// shape (linear and the attention matmuls vs the chosen GEMM backend's bare sgemm at BERT-base
// shapes; softmax, layerNorm, gelu, add vs memcpy on
// [128, 3072] f32). One benchmark iteration is one call, so
//   throughput (#/s) × 2·M·N·K / 10⁹ = GFLOP/s        (linear, matmul, sgemm)
//   throughput (#/s) × bytes moved / 10⁹ = GB/s         (elementwise, memcpy)
// and each benchmark also reports that rate directly as a custom metric (MFLOP/s or MB/s,
// larger is better). `swift run -c release RatioReport` prints the ratios themselves.
//
// Then BERT-base's forward (1×128 tokens, random weights), untraced and traced: one iteration is
// one forward; MFLOP/s counts its linears and attention matmuls (`ModelForward.flops`), so
// MFLOP/s ÷ 1000 is the effective GFLOP/s to compare with `sgemm 128x768->3072`.
//
//   swift package benchmark --target TensorBenchmarks
import Benchmark
import Workloads

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 10,
        scalingFactor: .one,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    let comparisons: [Comparison]
    do {
        comparisons = try Workloads.all()
    } catch {
        fatalError("building the benchmark inputs failed: \(error)")
    }

    let model: ModelComparison
    do {
        model = try Workloads.bertBaseForward()
    } catch {
        fatalError("building the BERT-base model failed: \(error)")
    }

    var registered = Set<String>()
    let modelWorkloads = [model.forward, model.tracedForward].map { workload in
        Workload(name: "\(model.model.name) \(workload.name)", shape: workload.shape, work: workload.work, call: workload.call)
    }
    for workload in comparisons.flatMap({ [$0.op, $0.baseline] }) + modelWorkloads {
        let name = "\(workload.name) \(workload.shape)"
        guard registered.insert(name).inserted else { continue } // memcpy is every elementwise op's baseline
        let rate: BenchmarkMetric
        let scale: Double
        switch workload.work {
        case .flops: (rate, scale) = (.custom("MFLOP/s", polarity: .prefersLarger, useScalingFactor: false), 1e3)
        case .bytes: (rate, scale) = (.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false), 1e3)
        }
        let isModel = modelWorkloads.contains { $0.name == workload.name }
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .throughput, rate] + (isModel ? [.mallocCountTotal] : []),
            timeUnits: isModel ? .milliseconds : .microseconds,
            warmupIterations: isModel ? 2 : 10,
            maxDuration: .seconds(isModel ? 10 : 2),
            maxIterations: isModel ? 50 : 1_000
        )
        Benchmark(name, configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                let start = monotonicNanoseconds()
                try workload.call()
                let seconds = Double(monotonicNanoseconds() - start) / 1e9
                benchmark.measurement(rate, Int((workload.work.rate(seconds: seconds) * scale).rounded()))
            }
        }
    }
}
