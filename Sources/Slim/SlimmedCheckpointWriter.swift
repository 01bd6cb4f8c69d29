import Formats
import Foundation
import Models
import NN
import Tensor

/// Writes a slimmed model as a checkpoint folder: `model.safetensors` (every tensor the source
/// checkpoint holds, under the same names, in the same order and dtype, slimmed ones narrower),
/// `config.json` (the source's, plus the `slimtrace` section) and the source's tokenizer and
/// generation files. The folder is written through an `OutputPath` (checked against the inputs,
/// locked, built under a temporary name and moved into place), so the output is never a
/// half-written checkpoint.
enum SlimmedCheckpointWriter {
    /// Files of a Hugging Face folder copied unchanged (tokenizer, generation settings).
    static let auxiliaryFiles = ["generation_config.json", "tokenizer.json", "tokenizer_config.json",
                                 "special_tokens_map.json", "added_tokens.json", "vocab.txt", "vocab.json",
                                 "merges.txt", "tokenizer.model", "spiece.model", "preprocessor_config.json",
                                 "chat_template.jinja", "chat_template.json"]

    /// Writes the checkpoint into the claimed folder `output` (through its temporary sibling).
    static func write(model: Module, report: SlimReport, source: Checkpoint, to output: OutputPath) throws {
        let manager = FileManager.default
        do {
            try output.write { staging in
                try SafetensorsWriter.write(try tensors(of: model, source: source), metadata: metadata(of: source),
                                            to: staging.appendingPathComponent("model.safetensors"))
                try Data((try config(source: source, report: report) + "\n").utf8).write(to: staging.appendingPathComponent("config.json"))
                for name in auxiliaryFiles {
                    let file = source.directory.appendingPathComponent(name)
                    if manager.fileExists(atPath: file.path) { try manager.copyItem(at: file, to: staging.appendingPathComponent(name)) }
                }
            }
        } catch let error as OutputPath.Failure {
            throw error
        } catch let error as SlimError {
            throw error
        } catch {
            throw SlimError.writeFailed(path: output.path, detail: error.localizedDescription)
        }
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

    /// The source files' `__metadata__`, merged (`format: pt`).
    private static func metadata(of source: Checkpoint) -> [String: String]? {
        let merged = source.files.reduce(into: [String: String]()) { $0.merge($1.metadata) { first, _ in first } }
        return merged.isEmpty ? nil : merged
    }

    /// The source config with the `slimtrace` section set (keys sorted, as Hugging Face saves them).
    /// Slimming an already slimmed checkpoint keeps the earlier section under `previous` (its
    /// indices count the channels and heads of the checkpoint it slimmed).
    static func config(source: Checkpoint, report: SlimReport) throws -> String {
        let original: JSONValue
        do { original = try JSONDecoder().decode(JSONValue.self, from: source.config.data) } catch {
            throw SlimError.writeFailed(path: source.config.url.path, detail: "cannot re-read the config: \(error.localizedDescription)")
        }
        guard case var .object(entries) = original else {
            throw SlimError.writeFailed(path: source.config.url.path, detail: "the config is not a JSON object")
        }
        var section = SlimConfigSection.make(report)
        if let previous = entries.first(where: { $0.key == "slimtrace" })?.value, case let .object(fields) = section {
            section = .object(fields + [("previous", previous)])
        }
        entries.removeAll { $0.key == "slimtrace" }
        let position = entries.firstIndex { $0.key > "slimtrace" } ?? entries.endIndex
        entries.insert(("slimtrace", section), at: position)
        return JSONValue.object(entries).rendered(indent: 2, compactNumberArrays: true)
    }
}
