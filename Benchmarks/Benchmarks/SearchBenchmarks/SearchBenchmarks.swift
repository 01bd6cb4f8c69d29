import Benchmark
import SearchWorkloads

let benchmarks: @Sendable () -> Void = {
    for layers in [12, 24, 48, 96, 768] {
        Benchmark("search BERT hidden 64, \(layers) layers (meta, end to end)",
                  configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(5))) { benchmark in
            let workload = try SearchWorkload(layers: layers)
            for _ in benchmark.scaledIterations {
                blackHole(try workload.run())
            }
        }
    }
}
