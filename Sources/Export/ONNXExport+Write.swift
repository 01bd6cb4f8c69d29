import Foundation
import Formats

/// Writing an export: one `.onnx` file, or, for models whose weights would pass protobuf's 2 GB
/// limit, the graph in `OUT.onnx` and the weights in `OUT.onnx.data` beside it (ONNX external
/// data: each initializer names `location`, `offset` and `length`; `onnx.save(...,
/// save_as_external_data=True)` writes the same). The elements are streamed from the tensors
/// (`ONNXFileEncoder`). Every file goes through `OutputPath`: staged and renamed into place,
/// never onto an input; nothing is left behind on failure.
extension ONNXExport {
    /// Models whose initializers hold more bytes than this keep them in external data.
    public static let externalDataThreshold = 2_000_000_000

    /// Writes the model to `path` (and `path.data` when its weights exceed `externalDataThreshold`
    /// bytes); returns the files written. An existing `path` is replaced only with `force`.
    @discardableResult
    public func write(to path: String, inputs: [URL], force: Bool, externalDataThreshold: Int = ONNXExport.externalDataThreshold) throws -> [URL] {
        try write(to: ONNXOutput(path: path, inputs: inputs, force: force), externalDataThreshold: externalDataThreshold)
    }

    /// Writes the model to the claimed `output` (its data file too when the weights exceed
    /// `externalDataThreshold` bytes); returns the files written.
    @discardableResult
    public func write(to output: ONNXOutput, externalDataThreshold: Int = ONNXExport.externalDataThreshold) throws -> [URL] {
        let external = weights.values.reduce(0) { $0 + $1.byteCount } > externalDataThreshold
        let (path, dataPath) = (output.path, output.data.path)
        if external, !output.force, FileManager.default.fileExists(atPath: dataPath) { throw ONNXWriteError.exists(path: dataPath) }
        let encoder = ONNXFileEncoder(proto: proto, weights: weights)
        let modelDestination = output.model
        guard external else {
            try modelDestination.write { url in try ONNXExport.withNewFile(url, named: path) { try encoder.write(to: $0) } }
            return [modelDestination.url]
        }
        // The model is renamed into place inside the data file's write, so that a failure before
        // the data file's own rename removes both.
        let dataDestination = output.data
        var modelWritten = false
        do {
            try dataDestination.write { dataURL in
                try ONNXExport.withNewFile(dataURL, named: dataPath) { data in
                    try modelDestination.write { url in
                        try ONNXExport.withNewFile(url, named: path) { try encoder.write(to: $0, externalData: (data, dataDestination.url.lastPathComponent)) }
                    }
                    modelWritten = true
                }
            }
        } catch {
            if modelWritten { try? FileManager.default.removeItem(at: modelDestination.url) }
            throw error
        }
        return [modelDestination.url, dataDestination.url]
    }

    /// Runs `body` with a handle on the new, empty file `url` (staged for the output `path`), closed afterwards.
    private static func withNewFile(_ url: URL, named path: String, _ body: (FileHandle) throws -> Void) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ONNXWriteError.cannotWrite(path: path)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try body(handle)
    }
}
