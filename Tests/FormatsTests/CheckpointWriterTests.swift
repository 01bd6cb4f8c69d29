import Foundation
import Testing
import Formats
import Tensor

/// `CheckpointWriter`: a checkpoint folder from ordered tensors, a config and the source's
/// auxiliary files, written whole or not at all.
@Suite struct CheckpointWriterTests {
    typealias ScratchDirectory = SafetensorsTests.ScratchDirectory

    @Test func writesTheTensorsInOrderTheConfigAndOnlyTheAuxiliaryFilesTheSourceHas() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let source = scratch.file("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Data("{\"version\": \"1.0\"}".utf8).write(to: source.appendingPathComponent("tokenizer.json"))
        try Data("notes".utf8).write(to: source.appendingPathComponent("notes.txt"))
        let output = scratch.file("out")
        let tensors = [("z.weight", try Tensor([1, 2, 3, 4], shape: [2, 2])), ("a.bias", try Tensor([5, 6], shape: [2]))]

        try CheckpointWriter.write(tensors: tensors, metadata: ["format": "pt"], config: "{\"model_type\": \"bert\"}",
                                   auxiliaryFilesFrom: source, to: OutputPath(output.path, kind: .folder(replacing: false), inputs: [source]))

        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).sorted() == ["config.json", "model.safetensors", "tokenizer.json"])
        let written = try SafetensorsFile(url: output.appendingPathComponent("model.safetensors"))
        #expect(written.names == ["z.weight", "a.bias"])
        #expect(written.metadata == ["format": "pt"])
        #expect(try written.tensor(named: "a.bias").floats() == [5, 6])
        #expect(try String(contentsOf: output.appendingPathComponent("config.json"), encoding: .utf8) == "{\"model_type\": \"bert\"}\n")
    }

    @Test func aFailedWriteNamesTheOutputFolderAndLeavesNothing() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let output = scratch.file("out")
        let error = #expect(throws: FormatError.self) {
            try CheckpointWriter.write(tensors: [("w", Tensor.meta(shape: [2], dtype: .f32))], metadata: nil, config: "{}",
                                       auxiliaryFilesFrom: scratch.url, to: OutputPath(output.path, kind: .folder(replacing: false), inputs: []))
        }
        #expect(error?.errorDescription?.hasPrefix(output.path) == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).isEmpty)
    }
}
