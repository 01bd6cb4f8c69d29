import Foundation
import Formats
import Models
import ONNXProto
import SwiftProtobuf
import Testing

/// `slimtrace slim PRUNED --output SLIMMED --export-onnx OUT.onnx`: the slimmed checkpoint and its
/// ONNX export in one command; both outputs are claimed before any work, so a refused output costs
/// nothing and leaves every file as it was.
@Suite struct SlimExportONNXTests {
    @Test func slimAndExportWritesBothAndTheONNXHoldsTheSlimmedWeights() throws {
        let scratch = try ScratchFolder()
        let slimmed = scratch.file("slim"), onnx = scratch.file("slim.onnx")
        let result = execute(["slim", fixturePath("bert-pruned"), "--output", slimmed.path, "--export-onnx", onnx.path])
        #expect(result.status == 0, "\(result.errors)")
        let graph = try Onnx_ModelProto(serializedBytes: Data(contentsOf: onnx)).graph
        #expect(graph.input.map(\.name) == ["input_ids", "attention_mask", "token_type_ids"])
        let checkpoint = try Checkpoint(directory: slimmed)
        for initializer in graph.initializer where initializer.name.hasSuffix("intermediate.dense.weight") {
            #expect(initializer.dims.map(Int.init) == (try checkpoint.tensor(named: initializer.name).shape), "\(initializer.name)")
        }
        #expect(graph.initializer.contains { $0.name.hasSuffix("intermediate.dense.weight") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).sorted() == ["slim", "slim.onnx"])
    }

    @Test func anExistingONNXFileIsRefusedBeforeAnySlimmingUnlessForced() throws {
        let scratch = try ScratchFolder()
        let slimmed = scratch.file("slim")
        let onnx = try scratch.write("keep me", to: "slim.onnx")
        let refused = execute(["slim", fixturePath("bert-pruned"), "--output", slimmed.path, "--export-onnx", onnx.path])
        #expect(refused.status == 1)
        #expect(refused.errors.count == 1 && refused.errors[0].contains("--force"), "\(refused.errors)")
        #expect(try String(contentsOf: onnx, encoding: .utf8) == "keep me")
        #expect(!FileManager.default.fileExists(atPath: slimmed.path), "the slimmed folder is not written either")
        #expect(execute(["slim", fixturePath("bert-pruned"), "--output", slimmed.path, "--export-onnx", onnx.path, "--force"]).status == 0)
        #expect(try Onnx_ModelProto(serializedBytes: Data(contentsOf: onnx)).graph.node.count > 0)
    }

    @Test func aRefusedSlimFolderLeavesTheONNXFileUnwritten() throws {
        let scratch = try ScratchFolder()
        let slimmed = try scratch.write("keep me", to: "slim/notes.txt").deletingLastPathComponent()
        let onnx = scratch.file("slim.onnx")
        let refused = execute(["slim", fixturePath("bert-pruned"), "--output", slimmed.path, "--export-onnx", onnx.path])
        #expect(refused.status == 1 && refused.errors.count == 1, "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: onnx.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: slimmed.path) == ["notes.txt"])
    }

    @Test func anONNXFileInsideTheSlimFolderOrAmongTheInputsIsRefused() throws {
        let scratch = try ScratchFolder()
        let pruned = try scratch.checkpoint("pruned", from: "bert-pruned")
        let inside = execute(["slim", pruned.path, "--output", scratch.file("slim").path, "--export-onnx", scratch.file("slim/model.onnx").path])
        #expect(inside.status == 1 && inside.errors.count == 1 && inside.errors[0].contains("--output folder"), "\(inside.errors)")
        let kept = try scratch.write("an input", to: "pruned/model.onnx")
        let onto = execute(["slim", pruned.path, "--output", scratch.file("slim").path, "--export-onnx", kept.path, "--force"])
        #expect(onto.status == 1 && onto.errors.count == 1 && onto.errors[0].contains("input"), "\(onto.errors)")
        #expect(try String(contentsOf: kept, encoding: .utf8) == "an input")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("slim").path))
    }

    @Test func anExportOutputNotNamedOnnxIsOneErrorLine() throws {
        let scratch = try ScratchFolder()
        let result = execute(["slim", fixturePath("bert-pruned"), "--output", scratch.file("slim").path, "--export-onnx", scratch.file("slim.bin").path])
        #expect(result.status == 1)
        #expect(result.errors.count == 1 && result.errors[0].contains("--export-onnx"), "\(result.errors)")
    }

    /// Phi-3 with a 14-token sliding window masks at 16 tokens and not at 13, so its graph depends
    /// on the length and the dynamic-axes export fails: the slim succeeded in memory, yet neither
    /// output is written and nothing is left in the folder.
    @Test func aFailingExportWritesNeitherOutput() throws {
        let scratch = try ScratchFolder()
        let windowed = try scratch.checkpoint("windowed", from: "phi3") { $0["sliding_window"] = 14 }
        let result = execute(["slim", windowed.path, "--output", scratch.file("slim").path, "--export-onnx", scratch.file("slim.onnx").path])
        #expect(result.status == 1 && result.errors.count == 1 && result.errors[0].contains("ONNX export"), "\(result.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["windowed"])
    }
}
