import Formats
import Foundation
import Models
import NN
import Tensor

/// What a slimmed checkpoint holds, handed to Formats' `CheckpointWriter`: every tensor the
/// source checkpoint holds, under the same names, in the same order and dtype, slimmed ones
/// narrower; the source's `config.json` plus the `slimtrace` section (and the new sizes when
/// Hugging Face loads the result); the source's metadata.
enum SlimmedCheckpointWriter {
    /// Writes the checkpoint into the claimed folder `output` (through its temporary sibling),
    /// the source's tokenizer and generation files beside it.
    static func write(model: Module, report: SlimReport, source: Checkpoint, to output: OutputPath) throws {
        try CheckpointWriter.write(tensors: try tensors(of: model, source: source), metadata: source.metadata,
                                   config: try config(source: source, report: report),
                                   auxiliaryFilesFrom: source.directory, to: output)
    }

    /// Every tensor of the source, in its order: the model's (slimmed) parameter stored under that
    /// name (or the piece of it the name holds: one expert's `w1` of a 3-D `gate_up_proj`), in the
    /// stored dtype, or the stored tensor when the model reads no parameter from it.
    private static func tensors(of model: Module, source: Checkpoint) throws -> [(String, Tensor)] {
        let parameterOfStoredName = CheckpointLayout(model: model, stored: source.tensorNames).parameterOfStoredName
        return try source.files.flatMap { file in
            try file.entries.map { entry in
                let stored = try file.tensor(named: entry.name)
                guard let (parameter, form) = parameterOfStoredName[entry.name],
                      let tensor = try form.part(named: entry.name, of: parameter.tensor) else { return (entry.name, stored) }
                return (entry.name, tensor.dtype == stored.dtype ? tensor : try tensor.to(stored.dtype))
            }
        }
    }

    /// The source config with the `slimtrace` section set (keys sorted, as Hugging Face saves them)
    /// and, when Hugging Face loads the result, the new sizes in the family's keys (the section
    /// keeps their old values under `original_config`). Slimming an already slimmed checkpoint
    /// keeps the earlier section under `previous` (its indices count the channels and heads of the
    /// checkpoint it slimmed).
    static func config(source: Checkpoint, report: SlimReport) throws -> String {
        let entries = try HuggingFaceConfig.entries(of: source.config)
        let settings = report.huggingFace.flatMap { $0.loads ? $0.settings : nil } ?? []
        let original = settings.map { setting in (key: setting.key, value: entries.first { $0.key == setting.key }?.value ?? .null) }
        var section = SlimConfigSection.make(report, originalConfig: original)
        if let previous = entries.first(where: { $0.key == "slimtrace" })?.value, case let .object(fields) = section {
            section = .object(fields + [("previous", previous)])
        }
        let configured = JSONValue.setting("slimtrace", to: section, in: HuggingFaceConfig.applying(settings, to: entries))
        return JSONValue.object(configured).rendered(indent: 2, compactNumberArrays: true)
    }
}
