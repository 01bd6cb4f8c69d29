// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "slimtrace",
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "Tensor",
            dependencies: ["CBLAS"]
        ),
        .testTarget(
            name: "TensorTests",
            dependencies: ["Tensor"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
