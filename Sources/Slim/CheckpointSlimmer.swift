import Formats
import Foundation
import Models

/// Slims a checkpoint folder into a new one: loads the model, slims it (`ModelSlimmer`: search,
/// remove zeroed channels and heads, verify the outputs), and writes the result
/// (`SlimmedCheckpointWriter`). Nothing is written unless every step succeeded; the output folder
/// is claimed (`OutputPath`) before any work is done, so a refusal to overwrite costs nothing.
///
/// A checkpoint with nothing zeroed slims to itself: the slim succeeds, the report says
/// `nothingToSlim`, and the output is a copy whose tensors are the source's, byte for byte, under
/// a config that records an empty `slimtrace` section. The output folder is therefore always a
/// loadable checkpoint when `slim(to:)` returns.
public struct CheckpointSlimmer {
    public let checkpoint: Checkpoint
    public var options: SlimOptions

    public init(checkpoint: Checkpoint, options: SlimOptions = SlimOptions()) {
        self.checkpoint = checkpoint
        self.options = options
    }

    /// Opens the checkpoint in `directory`.
    public init(directory: URL, options: SlimOptions = SlimOptions()) throws {
        self.init(checkpoint: try Checkpoint(directory: directory), options: options)
    }

    /// Slims and writes the new checkpoint to the folder `output`, replacing an existing non-empty
    /// folder only with `force`; returns the report. Throws `OutputPath.Failure` before any work
    /// when the folder may not be written (the checkpoint itself, a folder holding it, busy).
    @discardableResult
    public func slim(to output: URL, force: Bool = false) throws -> SlimReport {
        try slim(to: OutputPath(output.path, kind: .folder(replacing: force), inputs: [checkpoint.directory]))
    }

    /// Slims and writes the new checkpoint to the claimed folder `output`; returns the report.
    @discardableResult
    public func slim(to output: OutputPath) throws -> SlimReport {
        let (model, report) = try slimmedModel()
        return try write(model, report: report, to: output)
    }

    /// Slims in memory and reports what would change, writing nothing.
    public func dryRun() throws -> SlimReport {
        try slimmedModel().report
    }

    /// Loads and slims the model in memory, writing nothing (for a caller that uses the slimmed
    /// model before `write(_:report:to:)`, as `slim --export-onnx` exports it first); the report
    /// names the source and says whether Hugging Face loads the result.
    public func slimmedModel() throws -> (model: any TransformerModel, report: SlimReport) {
        try options.validate()
        let model = try checkpoint.loadModel()
        let keys = Architectures.configSizeKeys(modelType: checkpoint.config.modelType)
        var report = try ModelSlimmer(options: options, sizeKeys: keys).slim(model)
        report.source = checkpoint.directory.path
        report.huggingFace = try HuggingFaceConfig.form(of: model, report: report, keys: keys, source: checkpoint.config)
        return (model, report)
    }

    /// Writes `model` as `slimmedModel()` left it, with its `report`, into the claimed folder
    /// `output`; returns the report naming the output.
    @discardableResult
    public func write(_ model: any TransformerModel, report slimmed: SlimReport, to output: OutputPath) throws -> SlimReport {
        var report = slimmed
        report.output = output.path
        if report.nothingToSlim { report.summary += "; wrote an unchanged copy" }
        try SlimmedCheckpointWriter.write(model: model, report: report, source: checkpoint, to: output)
        return report
    }
}
