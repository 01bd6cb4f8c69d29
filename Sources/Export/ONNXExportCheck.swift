import Formats
import Tensor

/// One in-process re-run of an exported graph: the input shape it ran at and how far its output
/// is from the expected one (`torch.testing.assert_close` with an absolute tolerance).
public struct ONNXExportCheck: Sendable {
    /// The shape of the primary input it ran on.
    public let inputShape: [Int]
    /// The largest absolute difference between the re-run's output and the expected output.
    public let maxAbsoluteDifference: Float

    /// Runs `runner` on `inputs` and compares its first output with `expected`; throws
    /// `ONNXExportError.checkFailed` when they differ in shape or by more than `tolerance` × max(1, |expected|).
    init(runner: ONNXRunner, inputs: ModelInputs, expected: Tensor, tolerance: Float) throws {
        inputShape = inputs.entries.first?.tensor.shape ?? []
        let outputs = try runner.run(Dictionary(inputs.entries.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first }))
        let shapeText = Shape.describe(inputShape)
        guard let output = outputs.first, output.shape == expected.shape else {
            throw ONNXExportError.checkFailed(detail: "at input \(shapeText) the ONNX graph gives \(outputs.first.map { Shape.describe($0.shape) } ?? "no output"), the model \(Shape.describe(expected.shape))")
        }
        let got = try output.floats(), want = try expected.floats()
        maxAbsoluteDifference = zip(got, want).reduce(0) { largest, pair in
            let difference = abs(pair.0 - pair.1)
            return difference.isNaN ? (pair.0.isNaN && pair.1.isNaN ? largest : .infinity) : max(largest, difference)
        }
        let scale = max(1, want.reduce(0) { max($0, abs($1)) })
        guard maxAbsoluteDifference <= tolerance * scale else {
            throw ONNXExportError.checkFailed(detail: "at input \(shapeText) the ONNX graph's output differs from the model's by up to \(maxAbsoluteDifference)")
        }
    }
}
