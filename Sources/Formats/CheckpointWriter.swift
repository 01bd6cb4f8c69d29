import Foundation
import Tensor

/// Writes a Hugging Face checkpoint folder: `model.safetensors` (the given tensors, in the given
/// order), `config.json` (the given JSON text) and the source folder's tokenizer and generation
/// files, copied unchanged. The folder is written through an `OutputPath` claim (checked against
/// the inputs, locked, built under a temporary name and moved into place), so the output is never
/// a half-written checkpoint. What goes in (which tensors, which config) is the caller's choice.
public enum CheckpointWriter {
    /// Files of a Hugging Face folder copied unchanged (tokenizer, generation settings).
    public static let auxiliaryFiles = ["generation_config.json", "tokenizer.json", "tokenizer_config.json",
                                        "special_tokens_map.json", "added_tokens.json", "vocab.txt", "vocab.json",
                                        "merges.txt", "tokenizer.model", "spiece.model", "preprocessor_config.json",
                                        "chat_template.jinja", "chat_template.json"]

    /// Writes `tensors` (with `metadata` as the safetensors `__metadata__`), `config` (JSON text;
    /// a final newline is added) and the `auxiliaryFiles` that `source` holds into the claimed
    /// folder `output`. Throws `OutputPath.Failure` as the claim does, and `FormatError.io` naming
    /// the output folder when any file cannot be written.
    public static func write(tensors: [(String, Tensor)], metadata: [String: String]?, config: String,
                             auxiliaryFilesFrom source: URL, to output: OutputPath) throws {
        let manager = FileManager.default
        do {
            try output.write { staging in
                try SafetensorsWriter.write(tensors, metadata: metadata, to: staging.appendingPathComponent("model.safetensors"))
                try Data((config + "\n").utf8).write(to: staging.appendingPathComponent("config.json"))
                for name in auxiliaryFiles {
                    let file = source.appendingPathComponent(name)
                    if manager.fileExists(atPath: file.path) { try manager.copyItem(at: file, to: staging.appendingPathComponent(name)) }
                }
            }
        } catch let error as OutputPath.Failure {
            throw error
        } catch {
            throw FormatError.io(file: output.path, detail: error.localizedDescription)
        }
    }
}
