import ArgumentParser
import Formats
import Foundation
import Models
import Tensor

/// What to feed the model: a placeholder (`--shape`, `--dtype`), real batches (`--inputs`) or
/// text (`--text`, `--text-file`).
public struct InputOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Placeholder shape for the model's primary input, positive integers separated by commas (default: the model's, e.g. 1,16 token ids; ViT 1,3,image_size,image_size).",
        valueName: "dims"))
    public var shape: String?

    @Option(name: .long, help: ArgumentHelp(
        "Placeholder dtype: int64, int32, float32, float16, bfloat16 or bool (default: the model's, int64 for token ids).",
        valueName: "dtype"))
    public var dtype: String?

    @Option(name: .long, help: ArgumentHelp(
        "Real batches instead of a placeholder: a .safetensors file (one batch of named tensors) or a .jsonl file (one JSON object of named arrays per line, or one {\"text\": ..., \"pair\": ...} per line).",
        valueName: "file"))
    public var inputs: String?

    @OptionGroup public var text: TextOptions

    public init() {}

    public func validate() throws {
        if text.isGiven, let other = inputs != nil ? "inputs" : shape != nil ? "shape" : dtype != nil ? "dtype" : nil {
            throw ValidationError("--\(text.text.isEmpty ? "text-file" : "text") and --\(other) cannot be used together: text is tokenized into its own batches")
        }
        if inputs != nil, shape != nil || dtype != nil {
            throw ValidationError("--inputs and --\(shape != nil ? "shape" : "dtype") cannot be used together: the batches in --inputs have their own shapes and dtypes")
        }
        do {
            _ = try parsedShape()
            _ = try parsedDType()
        } catch let error as InputError {
            throw ValidationError(error.errorDescription ?? "\(error)")
        }
        if let inputs, inputs.isEmpty {
            throw ValidationError("--inputs needs a file name")
        }
    }

    /// `--shape` parsed, nil when not given.
    public func parsedShape() throws -> [Int]? {
        try shape.map(PlaceholderInputs.parseShape)
    }

    /// `--dtype` parsed, nil when not given.
    public func parsedDType() throws -> DType? {
        try dtype.map(PlaceholderInputs.parseDType)
    }

    /// The `--inputs` file read and checked against `model`, nil without `--inputs`.
    public func inputFile(for model: any TransformerModel) throws -> InputFile? {
        guard let inputs else { return nil }
        let file = try InputFile(url: URL(fileURLWithPath: inputs))
        try file.check(against: model)
        return file
    }

    /// Every batch to try, in order, each with where it came from: the texts (`--text`,
    /// `--text-file`, or the `{"text": ...}` lines of `--inputs`) tokenized with the checkpoint's
    /// tokenizer, the batches of `--inputs`, or the one placeholder of `--shape`/`--dtype` (the
    /// model's declared input by default). Shape-only tensors when `loaded` is meta. `source`
    /// names the file and line (or `--text` number) of a real batch, nil for the placeholder.
    public func batches(for loaded: LoadedModel) throws -> [(inputs: ModelInputs, source: String?)] {
        let file = try inputFile(for: loaded.model)
        let texts = try (file?.texts ?? []) + text.texts()
        let batches: [(inputs: ModelInputs, source: String?)]
        if !texts.isEmpty {
            batches = try text.batches(of: texts, for: loaded)
        } else if let file {
            batches = file.batches.indices.map { (file.batches[$0], file.describeBatch($0)) }
        } else {
            return [(try PlaceholderInputs.make(for: loaded.model, shape: parsedShape(), dtype: parsedDType(), meta: loaded.isMeta), nil)]
        }
        guard loaded.isMeta else { return batches }
        return batches.map { batch in
            (ModelInputs(batch.inputs.entries.map { ($0.name, Tensor.meta(shape: $0.tensor.shape, dtype: $0.tensor.dtype)) }), batch.source)
        }
    }

    /// The first of `batches(for:)`: the batch `bench` and `slim` run.
    public func firstBatch(for loaded: LoadedModel) throws -> (inputs: ModelInputs, source: String?) {
        try batches(for: loaded)[0]
    }

    /// The files these options read (`--inputs`, `--text-file`; nil entries are options not
    /// given), which no output may be or hold.
    public var files: [String?] {
        [inputs, text.textFile]
    }
}
