import ArgumentParser
import Formats
import Foundation
import Models
import Tensor

/// What to feed the model: a placeholder (`--shape`, `--dtype`) or real batches (`--inputs`).
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
        "Real batches instead of a placeholder: a .safetensors file (one batch of named tensors) or a .jsonl file (one JSON object of named arrays per line).",
        valueName: "file"))
    public var inputs: String?

    public init() {}

    public func validate() throws {
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

    /// Every batch to try, in order, each with where it came from: the batches of `--inputs` (as
    /// shapes only with `meta`), or the one placeholder of `--shape`/`--dtype`.
    public func batches(for model: any TransformerModel, meta: Bool = false) throws -> [(inputs: ModelInputs, source: String?)] {
        guard let file = try inputFile(for: model) else {
            return [(try PlaceholderInputs.make(for: model, shape: parsedShape(), dtype: parsedDType(), meta: meta), nil)]
        }
        return file.batches.indices.map { index in
            let batch = file.batches[index]
            let inputs = meta ? ModelInputs(batch.entries.map { ($0.name, Tensor.meta(shape: $0.tensor.shape, dtype: $0.tensor.dtype)) }) : batch
            return (inputs, file.describeBatch(index))
        }
    }

    /// The first of `batches(for:)`, with its values: the first batch of `--inputs` (every batch checked
    /// against the model), or the placeholder of `--shape`/`--dtype` (the model's declared input by
    /// default). `source` names the file and line of a batch from `--inputs`.
    public func firstBatch(for model: any TransformerModel) throws -> (inputs: ModelInputs, source: String?) {
        try batches(for: model)[0]
    }
}
