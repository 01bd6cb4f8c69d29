// swift-tools-version: 6.1
// libFuzzer targets for slimtrace's file readers, in their own package so that building and testing
// the tool never needs the fuzzer runtime. Build and run one with the script at the root:
//
//   bash scripts/fuzz.sh safetensors 600   # SafetensorsFuzz: safetensors header and file open
//   bash scripts/fuzz.sh config 600        # ConfigFuzz: config.json parsing + meta-mode build
//   bash scripts/fuzz.sh keras 600         # KerasFuzz: zip reader, .keras archive, head search
//   bash scripts/fuzz.sh inputs 600        # InputsFuzz: --inputs files (.jsonl, .safetensors)
//   bash scripts/fuzz.sh tokenizer 600     # TokenizerFuzz: tokenizer.json loading, encode, decode
//
// Each target is one `main.swift` handing its reader to `FuzzDriver.run`; adding one is one
// `fuzzTarget` line here, one main.swift under Sources/, one
// seed folder under Seeds/, and one name in scripts/fuzz.sh.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, so the root package's name is that of the
/// checkout's folder (`slimtrace`, `main`, ...).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// An executable that runs libFuzzer's driver (linked by `-sanitize=fuzzer`) on one reader.
func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: root) }
    )
}

let package = Package(
    name: "slimtrace-fuzz",
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        // libFuzzer's `LLVMFuzzerRunDriver`, declared for Swift.
        .systemLibrary(name: "CLibFuzzer"),
        // The driver call, and a per-process scratch file for readers that open a path.
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        fuzzTarget("SafetensorsFuzz", ["Formats", "Tensor"]),
        fuzzTarget("ConfigFuzz", ["Models"]),
        fuzzTarget("KerasFuzz", ["Formats", "Searchers"]),
        fuzzTarget("InputsFuzz", ["Formats"]),
        fuzzTarget("TokenizerFuzz", ["Tokenizers"]),
    ]
)
