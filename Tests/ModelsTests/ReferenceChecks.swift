import Formats
import Foundation
import Models
import Tensor
import Testing
import TestFixtures

/// Runs a fixture checkpoint and compares it with what PyTorch and INC computed on it.
enum ReferenceChecks {
    /// How far slimtrace's output is from PyTorch's on the fixture's reference input.
    struct Comparison: CustomStringConvertible {
        let caseName: String
        let shape: [Int]
        let expectedShape: [Int]
        let maxAbsDiff: Float
        let maxRelDiff: Float

        var description: String {
            "\(caseName): shape \(shape) vs PyTorch \(expectedShape), max abs diff \(maxAbsDiff), max rel diff \(maxRelDiff)"
        }
    }

    /// The inputs stored in `reference_io.safetensors` (everything but the `logits*` tensors).
    static func referenceInputs(case name: String) throws -> ModelInputs {
        let file = try SafetensorsFile(url: Fixtures.model(name).appendingPathComponent("reference_io.safetensors"))
        return ModelInputs(try file.names.filter { !$0.hasPrefix("logits") }.map { ($0, try file.tensor(named: $0)) })
    }

    /// Loads the fixture `name`, runs it on its reference input and compares with PyTorch's `logits`.
    static func logitsMatch(case name: String) throws -> Comparison {
        let model = try Checkpoint(directory: Fixtures.model(name)).loadModel()
        let output = try model.forward(referenceInputs(case: name))
        let file = try SafetensorsFile(url: Fixtures.model(name).appendingPathComponent("reference_io.safetensors"))
        return try compare(output, with: file.tensor(named: "logits"), caseName: name)
    }

    /// Max abs and rel differences between two tensors of (hopefully) the same shape.
    static func compare(_ actual: Tensor, with expected: Tensor, caseName: String) throws -> Comparison {
        guard actual.shape == expected.shape else {
            return Comparison(caseName: caseName, shape: actual.shape, expectedShape: expected.shape, maxAbsDiff: .infinity, maxRelDiff: .infinity)
        }
        var maxAbs: Float = 0, maxRel: Float = 0
        for (a, e) in zip(try actual.floats(), try expected.floats()) {
            let diff = abs(a - e)
            if !(diff <= maxAbs) { maxAbs = diff.isNaN ? .infinity : diff }
            maxRel = max(maxRel, diff / max(abs(e), 1e-6))
        }
        return Comparison(caseName: caseName, shape: actual.shape, expectedShape: expected.shape, maxAbsDiff: maxAbs, maxRelDiff: maxRel)
    }

    /// The model tree of fixture `name` as (path, class name) pairs, and PyTorch's `named_modules()`
    /// from `inc_expected.json` (nil where the fixture has none, e.g. ViT).
    static func moduleTrees(case name: String) throws -> (swift: [[String]], pytorch: [[String]]?) {
        let checkpoint = try Checkpoint(directory: Fixtures.model(name))
        let model = try Architectures.build(config: checkpoint.config, parameterNames: checkpoint.tensorNames)
        let swiftTree = model.namedModules().map { [$0.path, $0.module.typeName] }
        let expected = (try Fixtures.json("inc_expected.json", of: name) as? [String: Any])?["modules"] as? [[String]]
        return (swiftTree, expected)
    }

    /// Expects the module tree of fixture `name` to equal PyTorch's `named_modules()`, recording
    /// the first difference.
    static func expectModuleTreeEqualsPyTorch(case name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (swiftTree, pytorch) = try moduleTrees(case: name)
        let expected = try #require(pytorch, sourceLocation: sourceLocation)
        #expect(swiftTree == expected, sourceLocation: sourceLocation)
        if swiftTree != expected, let first = zip(swiftTree, expected).first(where: { $0 != $1 }) {
            Issue.record("first difference: slimtrace \(first.0), PyTorch \(first.1)", sourceLocation: sourceLocation)
        }
    }
}
