// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "slimtrace",
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Formats", targets: ["Formats"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Tracer", targets: ["Tracer"]),
        .library(name: "Profiler", targets: ["Profiler"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Searchers", targets: ["Searchers"]),
        .library(name: "Slim", targets: ["Slim"]),
        .library(name: "Prune", targets: ["Prune"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .library(name: "Export", targets: ["Export"]),
        .library(name: "Report", targets: ["Report"]),
        .executable(name: "slimtrace", targets: ["slimtrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // zlib (raw inflate and CRC-32 for the zip reader): zlib.h is on the default include
        // path, so no pkg-config lookup is needed.
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The f32 row kernels (activations, softmax, normalisation) in C, vectorised by clang and
        // compiled per x86-64 level with runtime dispatch; the Tensor ops call them.
        .target(
            name: "CKernels"
        ),
        .target(
            name: "Tensor",
            dependencies: ["CBLAS", "CKernels"]
        ),
        // Every file format read or written: safetensors, zip and `.keras`, input-batch files.
        .target(
            name: "Formats",
            dependencies: ["Tensor", "CZlib"]
        ),
        // Modules, parameters, the generic layers, the activation registry, the module index.
        .target(
            name: "NN",
            dependencies: ["Tensor"]
        ),
        .target(
            name: "Tracer",
            dependencies: ["NN", "Tensor"]
        ),
        // Op and module timing, FLOP counting, reports and comparisons (data; the CLI renders them).
        .target(
            name: "Profiler",
            dependencies: ["Tracer", "NN", "Tensor"]
        ),
        .target(
            name: "Models",
            dependencies: ["NN", "Tracer", "Formats", "Tokenizers", "Tensor"]
        ),
        .target(
            name: "Searchers",
            dependencies: ["Tracer", "NN", "Formats", "Tensor"]
        ),
        .target(
            name: "Slim",
            dependencies: ["Searchers", "Models", "Formats", "NN", "Tracer", "Tensor"]
        ),
        // One-shot structured pruning from calibration statistics (FLAP, Wanda-sp, magnitude, OBS
        // reconstruction: its covariance GEMMs and Cholesky solves call BLAS/LAPACK directly).
        .target(
            name: "Prune",
            dependencies: ["Slim", "Searchers", "Models", "Formats", "NN", "Tracer", "Tensor", "CBLAS"]
        ),
        // tokenizer.json: normalizers, pre-tokenizers, models, post-processors, decoders (Foundation only).
        .target(
            name: "Tokenizers"
        ),
        // ONNX's schema (`onnx.proto`) as Swift, generated once by scripts/generate-onnx-proto.sh.
        .target(
            name: "ONNXProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["onnx.proto"]
        ),
        // ONNX export of a traced graph with its weights, and the in-process re-run that checks it.
        .target(
            name: "Export",
            dependencies: ["ONNXProto", "Models", "Tracer", "Formats", "NN", "Tensor", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // `slimtrace report`'s page: one self-contained HTML file (typed markup builders, inline SVG).
        .target(
            name: "Report",
            dependencies: ["Searchers", "Profiler", "Tracer", "Tensor"]
        ),
        .target(
            name: "SlimtraceCLI",
            dependencies: ["Report", "Prune", "Searchers", "Slim", "Export", "Models", "Tokenizers", "Formats", "Profiler", "NN", "Tracer", "Tensor", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "slimtrace",
            dependencies: ["SlimtraceCLI"]
        ),
        .target(
            name: "TestFixtures",
            path: "Tests/TestFixtures"
        ),
        .testTarget(
            name: "ModelsTests",
            dependencies: ["Models", "Tokenizers", "Formats", "Profiler", "NN", "Tensor", "Tracer", "TestFixtures"]
        ),
        .testTarget(
            name: "SearchersTests",
            dependencies: ["Searchers", "Models", "Formats", "NN", "Tracer", "Tensor", "TestFixtures"]
        ),
        .testTarget(
            name: "SlimTests",
            dependencies: ["Slim", "SlimtraceCLI", "Searchers", "Models", "Formats", "NN", "Tracer", "Tensor", "TestFixtures"]
        ),
        .testTarget(
            name: "PruneTests",
            dependencies: ["Prune", "Slim", "Searchers", "Models", "Formats", "NN", "Tracer", "Tensor", "TestFixtures"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TensorTests",
            dependencies: ["Tensor"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "FormatsTests",
            dependencies: ["Formats", "Tensor", "TestFixtures"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SlimtraceCLITests",
            dependencies: ["SlimtraceCLI", "slimtrace", "Report", "Slim", "ONNXProto", .product(name: "SwiftProtobuf", package: "swift-protobuf"), "Searchers", "Models", "Tokenizers", "Formats", "Profiler", "Tracer", "Tensor", "TestFixtures"]
        ),
        // The import rules between the targets above, checked on the real sources.
        .testTarget(
            name: "ArchitectureTests"
        ),
        .testTarget(
            name: "ExportTests",
            dependencies: ["Export", "ONNXProto", "Slim", "Models", "Formats", "NN", "Tracer", "Tensor", "TestFixtures",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .testTarget(
            name: "TokenizersTests",
            dependencies: ["Tokenizers"]
        ),
        .testTarget(
            name: "TracerTests",
            dependencies: ["Tracer", "Profiler", "NN", "Tensor", "SlimtraceCLI"]
        ),
    ]
)
