import ArgumentParser
import Formats
import Foundation
import Models
import Tensor

extension Slimtrace {
    /// `slimtrace run MODEL --inputs FILE --output OUT.safetensors` (or `--text`, `--text-file`):
    /// every batch through the model.
    public struct Run: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run every batch of an inputs file, or texts, through a checkpoint and save the outputs.",
            discussion: """
            Writes one tensor per batch to a .safetensors file, named after what the model returns: \
            `logits` for models with a head (…ForSequenceClassification, …ForCausalLM, …LMHeadModel), \
            `last_hidden_state` for base models (BertModel, LlamaModel, ...). Batches may differ in \
            shape, so they are not stacked: the first batch's output is `logits`, the second's \
            `logits.1`, the third's `logits.2`, and so on, in the order of the inputs file. The file's \
            metadata records the model class, the inputs file and the number of batches.

            Every batch is checked against the model's inputs before any runs; a batch that fails \
            (a token id outside the vocabulary, mismatched shapes) stops the run with an error naming \
            its line, and nothing is written.

            Texts (--text, repeatable; --text-file, one per line; or {"text": ..., "pair": ...} lines \
            in a .jsonl --inputs file) are tokenized with the tokenizer.json in MODEL, as transformers' \
            tokenizer(texts, padding=True, truncation=True) does: --batch-size texts per batch \
            (default 8), each batch padded to its longest text with the attention mask (and \
            token_type_ids for models that take them); a tokenizer without a pad token pads with its \
            eos token. A text longer than the model's positions is truncated, with a warning.

            Examples:
              slimtrace run Examples/tiny-bert \\
                  --inputs Examples/tiny-bert/inputs.jsonl --output logits.safetensors
              slimtrace run path/to/gpt2 --text "Hello, world!" --text "Slim it." -o logits.safetensors
            """
        )

        @OptionGroup public var checkpoint: ModelArguments
        @OptionGroup public var input: InputOptions

        @Option(name: [.short, .long], help: ArgumentHelp("The .safetensors file to write the outputs to.", valueName: "file"))
        public var output: String

        public init() {}

        public func validate() throws {
            guard input.inputs != nil || input.text.isGiven, input.shape == nil, input.dtype == nil else {
                throw ValidationError("run needs real inputs: --inputs FILE, --text TEXT or --text-file FILE (not a --shape/--dtype placeholder)")
            }
            if output.isEmpty { throw ValidationError("--output needs a file name") }
            guard URL(fileURLWithPath: output).pathExtension.lowercased() == "safetensors" else {
                throw ValidationError("--output \"\(output)\": outputs are written as safetensors; name the file *.safetensors")
            }
        }

        /// The name of batch `index`'s output: `logits`, `logits.1`, `logits.2`, ...
        public static func outputName(_ base: String, batch index: Int) -> String {
            index == 0 ? base : "\(base).\(index)"
        }

        public func run() throws {
            let destination = try OutputPath(output, kind: .file, inputs: ([checkpoint.model] + input.files).compactMap { $0 }.map(URL.init(fileURLWithPath:)))
            let loaded = try checkpoint.load(.real)
            let model = loaded.model
            var outputs: [(String, Tensor)] = []
            for (index, batch) in try input.batches(for: loaded).enumerated() {
                let result = try CLIError.naming(batch: batch.source) { try model.forward(batch.inputs) }
                outputs.append((Run.outputName(model.outputName, batch: index), result))
            }
            let read = input.files.compactMap { $0 }
            let inputs = read.isEmpty ? "--text" : read.joined(separator: ", ")
            let metadata = ["model": model.typeName, "inputs": inputs, "batches": String(outputs.count), "format": "pt"]
            do {
                try destination.write { try SafetensorsWriter.write(outputs, metadata: metadata, to: $0) }
            } catch let error as TensorError {
                throw CLIError.cannotWrite(path: output, detail: error.errorDescription ?? "\(error)")
            }
            let shapes = outputs.map { "\($0.0) \($0.1.shape.map(String.init).joined(separator: "x"))" }.joined(separator: ", ")
            print("\(model.typeName): \(outputs.count) batch\(outputs.count == 1 ? "" : "es") run; wrote \(shapes) to \(output)")
        }
    }
}
