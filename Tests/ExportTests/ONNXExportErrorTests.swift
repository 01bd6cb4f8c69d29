import Export
import Formats
import Foundation
import Models
import NN
import Tensor
import Testing

/// Bad input: what cannot be exported is refused with a message naming the op or module, and
/// an output that is one of the inputs is never written.
@Suite struct ONNXExportErrorTests {
    /// Adds to the token ids a tensor it creates from their length whose values are neither one
    /// repeated value nor positions, which no ONNX subgraph of the length can rebuild.
    final class Mixer: Module {
        init() { super.init(typeName: "Mixer") }

        func callAsFunction(_ ids: Tensor) throws -> Tensor {
            try scoped {
                let length = ids.shape[1]
                let squares = try Tensor((0..<length).map { Float($0 * $0) }, shape: [1, length])
                return try ids.to(.f32) + squares
            }
        }
    }

    final class SquaresModel: Module, TransformerModel {
        let mixer = Mixer()

        init() {
            super.init(typeName: "SquaresModel")
            register("mixer", mixer)
        }

        var inputSpecs: [ModelInputSpec] { [ModelInputSpec(name: "input_ids", dtype: .i64, defaultShape: [1, 16], isPrimary: true)] }

        func forward(_ inputs: ModelInputs) throws -> Tensor {
            try scoped { try mixer(inputs["input_ids"]!) }
        }
    }

    @Test func lengthDependentTableNamesTheModule() throws {
        let model = SquaresModel()
        let inputs = try ONNXExport.defaultInputs(for: model, shape: [1, 8])
        let error = #expect(throws: ONNXExportError.self) { try ONNXExport(model: model, inputs: inputs) }
        #expect(error == .unsupportedConstant(module: "mixer", shape: [1, 8]))
        #expect(error?.localizedDescription.contains("module mixer") == true)
        // At a fixed size the same tensor is a constant and the export runs.
        let fixed = try ONNXExport(model: model, inputs: inputs, dynamicAxes: false)
        #expect(fixed.checks.first?.maxAbsoluteDifference == 0)
    }

    @Test func outputOntoTheCheckpointIsRefused() throws {
        let folder = try ExportTestSupport.scratchFolder("onto-input")
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = folder.appendingPathComponent("model.safetensors")
        try Data("weights".utf8).write(to: weights)
        let export = try ONNXExport(model: SquaresModel(), inputs: ONNXExport.defaultInputs(for: SquaresModel(), shape: [1, 4]), dynamicAxes: false)
        #expect(throws: OutputPath.Failure.self) { try export.write(to: weights.path, inputs: [folder], force: true) }
        #expect(try String(contentsOf: weights, encoding: .utf8) == "weights")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }
}
