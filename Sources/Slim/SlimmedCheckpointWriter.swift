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
        try CheckpointWriter.write(tensors: try tensors(of: model, source: source), metadata: metadata(of: source),
                                   config: try config(source: source, report: report),
                                   auxiliaryFilesFrom: source.directory, to: output)
    }

    /// Every tensor of the source, in its order: the model's (slimmed) parameter of that name in
    /// the stored dtype, or the stored tensor when the model has no such parameter.
    private static func tensors(of model: Module, source: Checkpoint) throws -> [(String, Tensor)] {
        var parameters: [String: Parameter] = [:]
        for (name, parameter) in model.namedParameters() { parameters[name] = parameter }
        return try source.files.flatMap { file in
            try file.entries.map { entry in
                let stored = try file.tensor(named: entry.name)
                guard let parameter = parameters[entry.name] else { return (entry.name, stored) }
                let tensor = parameter.tensor
                return (entry.name, tensor.dtype == stored.dtype ? tensor : try tensor.to(stored.dtype))
            }
        }
    }

    /// The source files' `__metadata__`, merged (`format: pt`).
    private static func metadata(of source: Checkpoint) -> [String: String]? {
        let merged = source.files.reduce(into: [String: String]()) { $0.merge($1.metadata) { first, _ in first } }
        return merged.isEmpty ? nil : merged
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
