// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "slimtrace",
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Tracer", targets: ["Tracer"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Searchers", targets: ["Searchers"]),
        .library(name: "Slim", targets: ["Slim"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .executable(name: "slimtrace", targets: ["slimtrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .target(
            name: "Tracer",
            dependencies: ["Tensor"]
        ),
        .target(
            name: "Models",
            dependencies: ["Tensor", "Tracer", "CZlib"]
        ),
        .target(
            name: "Searchers",
            dependencies: ["Models", "Tracer", "Tensor"]
        ),
        .target(
            name: "Slim",
            dependencies: ["Searchers", "Models", "Tracer", "Tensor"]
        ),
        // tokenizer.json: normalizers, pre-tokenizers, models, post-processors, decoders (Foundation only).
        .target(
            name: "Tokenizers"
        ),
        .target(
            name: "SlimtraceCLI",
            dependencies: ["Searchers", "Slim", "Models", "Tracer", "Tensor", .product(name: "ArgumentParser", package: "swift-argument-parser")]
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
            dependencies: ["Models", "Tensor", "Tracer", "TestFixtures"]
        ),
        .testTarget(
            name: "SearchersTests",
            dependencies: ["Searchers", "Models", "Tracer", "Tensor", "TestFixtures"]
        ),
        .testTarget(
            name: "SlimTests",
            dependencies: ["Slim", "Searchers", "Models", "Tracer", "Tensor", "TestFixtures"]
        ),
        .testTarget(
            name: "TensorTests",
            dependencies: ["Tensor"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SlimtraceCLITests",
            dependencies: ["SlimtraceCLI", "slimtrace", "Models", "Tensor", "TestFixtures"]
        ),
        .testTarget(
            name: "TokenizersTests",
            dependencies: ["Tokenizers"]
        ),
        .testTarget(
            name: "TracerTests",
            dependencies: ["Tracer", "Tensor"]
        ),
    ]
)
