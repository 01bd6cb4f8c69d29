import Foundation
import ONNXProto
import SwiftProtobuf
import Testing

/// `slimtrace export`: writes a checked ONNX model, never replaces a file without --force.
@Suite struct ExportCommandTests {
    @Test func exportWritesAModelWithTheCheckpointsInputs() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("bert.onnx")
        #expect(execute(["export", fixturePath("bert"), "--onnx", output.path, "--shape", "2,8"]).status == 0)
        let graph = try Onnx_ModelProto(serializedBytes: Data(contentsOf: output)).graph
        #expect(graph.input.map(\.name) == ["input_ids", "attention_mask", "token_type_ids"])
        #expect(graph.output.map(\.name) == ["logits"])
    }

    @Test func anExistingFileIsReplacedOnlyWithForce() throws {
        let scratch = try ScratchFolder()
        let output = try scratch.write("keep me", to: "model.onnx")
        let refused = execute(["export", fixturePath("llama"), "--onnx", output.path])
        #expect(refused.status == 1)
        #expect(refused.errors.count == 1 && refused.errors[0].contains("--force"), "\(refused.errors)")
        #expect(try String(contentsOf: output, encoding: .utf8) == "keep me")
        #expect(execute(["export", fixturePath("llama"), "--onnx", output.path, "--force"]).status == 0)
        #expect(try Onnx_ModelProto(serializedBytes: Data(contentsOf: output)).graph.node.count > 0)
    }

    @Test func anOutputNotNamedOnnxIsOneErrorLine() throws {
        let scratch = try ScratchFolder()
        let result = execute(["export", fixturePath("llama"), "--onnx", scratch.file("model.bin").path])
        #expect(result.status == 1)
        #expect(result.errors.count == 1 && result.errors[0].contains("--onnx"), "\(result.errors)")
    }
}
