import ArgumentParser
import Export
import Formats
import Foundation
import Models

/// One ONNX export as `export` and `slim --export-onnx` run it: the output claimed before any
/// work (`ONNXOutput`), the traced inputs chosen from `InputOptions`, the checked export built in
/// memory, then written atomically and summed up in one line.
struct ONNXExportJob {
    let output: ONNXOutput
    let dynamicAxes: Bool

    /// Claims `path` (refused when it is or holds one of `inputs`, the paths the command reads,
    /// nil entries being options not given; an existing file only with `force`).
    init(path: String, force: Bool, dynamicAxes: Bool, reading inputs: [String?]) throws {
        output = try ONNXOutput(path: path, inputs: inputs.compactMap { $0 }.map(URL.init(fileURLWithPath:)), force: force)
        self.dynamicAxes = dynamicAxes
    }

    /// `--onnx` / `--export-onnx` must name an `*.onnx` file.
    static func validate(path: String, option: String) throws {
        guard URL(fileURLWithPath: path).pathExtension.lowercased() == "onnx" else {
            throw ValidationError("\(option) \"\(path)\": name the output file *.onnx")
        }
    }

    /// The inputs the export traces: the first batch of `--inputs`, `--text` or a `--dtype`
    /// placeholder when given, else every input the model takes at `--shape` (default 1,16).
    static func inputs(_ input: InputOptions, for loaded: LoadedModel) throws -> ModelInputs {
        input.inputs != nil || input.dtype != nil || input.text.isGiven
            ? try input.firstBatch(for: loaded).inputs
            : try ONNXExport.defaultInputs(for: loaded.model, shape: input.parsedShape())
    }

    /// Traces `model` on `inputs`, lowers and re-runs it; nothing is written.
    func export(_ model: any TransformerModel, inputs: ModelInputs) throws -> ONNXExport {
        try ONNXExport(model: model, inputs: inputs, dynamicAxes: dynamicAxes)
    }

    /// Writes `export` of `model` to the claimed output; returns the summary line.
    func write(_ export: ONNXExport, of model: any TransformerModel) throws -> String {
        let writing = Date()
        let written = try export.write(to: output)
        let writeSeconds = Date().timeIntervalSince(writing)
        let bytes = try written.reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int ?? 0) }
        let graph = export.proto.graph
        let checks = export.checks.map { String(format: "%.1e at %@", $0.maxAbsoluteDifference, $0.inputShape.map(String.init).joined(separator: "x")) }
        return "\(model.typeName): wrote \(written.map(\.lastPathComponent).joined(separator: " + ")) "
            + "(opset \(ONNXExport.opset), \(graph.node.count) nodes, \(graph.initializer.count) initializers, "
            + String(format: "%.1f MB", Double(bytes) / 1e6) + "); re-run max abs diff \(checks.joined(separator: ", ")); "
            + String(format: "trace %.2f s, export and check %.2f s, write %.2f s", export.traceSeconds, export.exportSeconds, writeSeconds)
    }
}
