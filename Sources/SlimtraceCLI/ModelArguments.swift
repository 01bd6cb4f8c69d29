import ArgumentParser
import Foundation
import Models

/// The checkpoint folder every command takes as its first argument.
public struct ModelArguments: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "A Hugging Face checkpoint folder (config.json + model.safetensors, or shards and model.safetensors.index.json).",
        valueName: "model"))
    public var model: String

    public init() {}

    /// The folder as a URL.
    public var url: URL { URL(fileURLWithPath: model) }

    /// Opens the checkpoint (reads config.json, maps the weights).
    public func openCheckpoint() throws -> Checkpoint {
        try Checkpoint(directory: url)
    }

    /// The model with its weights loaded; with `meta`, the module tree only (no weight is read),
    /// built as `loadModel()` would build it.
    public func loadModel(meta: Bool = false) throws -> any TransformerModel {
        let checkpoint = try openCheckpoint()
        if meta {
            return try Architectures.build(config: checkpoint.config, parameterNames: checkpoint.tensorNames)
        }
        return try checkpoint.loadModel()
    }
}
