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

    /// Loads the model: `.real` reads the weights, `.meta` only their headers (shapes), `.auto`
    /// goes meta when the folder has no weights or they would not fit in memory.
    public func load(_ mode: LoadMode) throws -> LoadedModel {
        try ModelArguments.load(path: model, mode)
    }

    /// Loads the checkpoint folder at `path` (as `load(_:)` does for MODEL): for options that name
    /// a second checkpoint, such as `bench --compare`. Tensors the model does not use are named in
    /// a warning on standard error.
    public static func load(path: String, _ mode: LoadMode) throws -> LoadedModel {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ModelError.missingFile(path: url.path, detail: "no such checkpoint folder")
        }
        guard isDirectory.boolValue else {
            throw ModelError.missingFile(path: url.path, detail: "is a file; give the checkpoint folder (the one holding config.json)")
        }
        let loaded = try ModelLoading.load(url, mode: mode)
        if let warning = loaded.unusedTensorsWarning { Slimtrace.writeToStandardError(warning) }
        return loaded
    }
}
