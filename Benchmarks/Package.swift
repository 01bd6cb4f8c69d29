// swift-tools-version: 6.1
// Benchmarks for slimtrace's tensor runtime, in their own package so that building and testing
// the tool never builds the benchmark harness (ordo-one/benchmark and its dependencies).
//
//   swift run -c release RatioReport                        # op vs bare baseline, interleaved, one table
//   swift package benchmark --target TensorBenchmarks       # package-benchmark's full statistics
//   swift run -c release SearchScaling                      # end-to-end search time, 12 to 768 layers
//   swift run -c release LoadTime                           # opening a 440 MB checkpoint until ready
//   swift package benchmark --target SearchBenchmarks       # the same with package-benchmark
//   bash scripts/tokenizer-speed.sh                         # tokenizer MB/s beside Python's tokenizers
import PackageDescription

let package = Package(
    name: "slimtrace-benchmarks",
    dependencies: [
        .package(name: "slimtrace", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The same OpenBLAS the root package's `CBLAS` target links, under its own module name, so the
        // bare `cblas_sgemm` baseline needs no change to the root package.
        .systemLibrary(
            name: "BareBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // The workloads (shapes, inputs, one op call each) and their bare baselines, shared by
        // both runners so they measure the same thing.
        .target(
            name: "Workloads",
            dependencies: [
                "BareBLAS",
                .product(name: "Tensor", package: "slimtrace"),
                .product(name: "Formats", package: "slimtrace"),
                .product(name: "NN", package: "slimtrace"),
                .product(name: "Tracer", package: "slimtrace"),
                .product(name: "Models", package: "slimtrace"),
            ]
        ),
        // The end-to-end search workload (meta BERT, trace, searchers), shared by its two runners.
        .target(
            name: "SearchWorkloads",
            dependencies: [
                .product(name: "Models", package: "slimtrace"),
                .product(name: "Formats", package: "slimtrace"),
                .product(name: "Searchers", package: "slimtrace"),
                .product(name: "Tensor", package: "slimtrace"),
            ]
        ),
        .executableTarget(
            name: "LoadTime",
            dependencies: ["SearchWorkloads", .product(name: "Models", package: "slimtrace"), .product(name: "Tensor", package: "slimtrace")]
        ),
        .executableTarget(
            name: "SearchScaling",
            dependencies: ["SearchWorkloads"]
        ),
        .executableTarget(
            name: "SearchBenchmarks",
            dependencies: [
                "SearchWorkloads",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SearchBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // Tokenizer throughput on English text, timed beside Python by scripts/tokenizer-speed.sh.
        .executableTarget(
            name: "TokenizerSpeed",
            dependencies: [.product(name: "Tokenizers", package: "slimtrace")]
        ),
        .executableTarget(
            name: "RatioReport",
            dependencies: ["Workloads", .product(name: "Tensor", package: "slimtrace")]
        ),
        .executableTarget(
            name: "TensorBenchmarks",
            dependencies: [
                "Workloads",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TensorBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
