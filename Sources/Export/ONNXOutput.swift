import Foundation
import Formats

/// The files an export may write, claimed before any work is done (`OutputPath`: never an input,
/// a folder holding one or a name inside a checkpoint's own files; locked against a second writer):
/// `OUT.onnx` and `OUT.onnx.data` beside it (used only when the weights pass
/// `ONNXExport.externalDataThreshold`). An existing `OUT.onnx` is refused here unless `force`; an
/// existing `OUT.onnx.data` when it would be written.
public final class ONNXOutput {
    /// The model file as given.
    public let path: String
    /// Whether existing files may be replaced.
    public let force: Bool
    let model: OutputPath
    let data: OutputPath

    /// Claims `path` (and `path.data`), which must not touch `inputs`.
    public init(path: String, inputs: [URL], force: Bool) throws {
        if !force, FileManager.default.fileExists(atPath: path) { throw ONNXWriteError.exists(path: path) }
        self.path = path
        self.force = force
        model = try OutputPath(path, kind: .file, inputs: inputs)
        data = try OutputPath(path + ".data", kind: .file, inputs: inputs)
    }

    /// The resolved model file.
    public var url: URL { model.url }
}
