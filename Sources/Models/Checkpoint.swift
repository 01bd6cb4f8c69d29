import Formats
import Foundation
import NN
import Tensor

/// A Hugging Face checkpoint folder: `config.json` plus `model.safetensors`, or shards listed in
/// `model.safetensors.index.json`. Weights are memory-mapped; F32 tensors are used in place,
/// F16/BF16 are converted to f32 once, when loaded into a model.
public final class Checkpoint {
    /// The folder.
    public let directory: URL
    /// Its `config.json`.
    public let config: ConfigFile
    /// The opened safetensors files.
    public let files: [SafetensorsFile]
    private let fileOfTensor: [String: Int]

    /// Opens the checkpoint in `directory`, checking that every file exists and is valid safetensors.
    public init(directory: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelError.missingFile(path: directory.path, detail: "no such checkpoint folder")
        }
        self.directory = directory
        config = try ConfigFile(url: directory.appendingPathComponent("config.json"))
        let fileURLs = try Checkpoint.weightFiles(in: directory)
        guard !fileURLs.isEmpty else {
            throw ModelError.missingFile(path: directory.path, detail: "no model.safetensors or model.safetensors.index.json")
        }
        files = try fileURLs.map { try SafetensorsFile(url: $0) }
        var index: [String: Int] = [:]
        for (position, file) in files.enumerated() {
            for name in file.names { index[name] = position }
        }
        fileOfTensor = index
    }

    /// Drops this process's resident pages of every mapped weight file
    /// (`MappedFile.releaseResidentPages`); tensors stay valid and fault their bytes back on read.
    public func releaseResidentPages() {
        for file in files { file.releaseResidentPages() }
    }

    /// The safetensors files of the folder: the shards an index lists, or `model.safetensors`;
    /// empty only when the folder has no weight files at all (no `*.safetensors`, no index).
    /// Weights that are there but broken (an index that cannot be read or is not JSON, a missing
    /// shard, shards without their index) are an error naming the file; a file that cannot be
    /// opened (a dangling symbolic link, a loop) fails when it is opened, naming itself.
    static func weightFiles(in directory: URL) throws -> [URL] {
        let indexURL = directory.appendingPathComponent("model.safetensors.index.json")
        if FileReading.entryExists(indexURL) {
            let object = try? JSONSerialization.jsonObject(with: FileReading.data(of: indexURL))
            guard let map = (object as? [String: Any])?["weight_map"] as? [String: String] else {
                throw ModelError.invalidConfig(path: indexURL.path, detail: "is not a JSON object with a \"weight_map\" object of tensor name to file")
            }
            let shards = Array(Set(map.values)).sorted()
            for shard in shards where !FileManager.default.fileExists(atPath: directory.appendingPathComponent(shard).path) {
                throw ModelError.missingFile(path: directory.appendingPathComponent(shard).path, detail: "shard listed in model.safetensors.index.json is missing")
            }
            return shards.map { directory.appendingPathComponent($0) }
        }
        let single = directory.appendingPathComponent("model.safetensors")
        if FileReading.entryExists(single) { return [single] }
        let others = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".safetensors") }.sorted()
        guard others.isEmpty else {
            throw ModelError.missingFile(path: indexURL.path, detail: "is missing: the folder has \(others.joined(separator: ", ")) but no index saying which tensors they hold, and no model.safetensors")
        }
        return []
    }
    /// Every tensor name in the checkpoint.
    public var tensorNames: Set<String> { Set(fileOfTensor.keys) }

    /// The tensor `name` as stored (zero-copy for F32).
    public func tensor(named name: String) throws -> Tensor {
        guard let position = fileOfTensor[name] else {
            throw ModelError.missingTensor(name: name, file: directory.path)
        }
        return try files[position].tensor(named: name)
    }

    /// Builds the model `config.json` describes and loads every parameter into it.
    public func loadModel() throws -> any TransformerModel {
        let model = try Architectures.build(config: config, parameterNames: tensorNames)
        try load(into: model)
        return model
    }

    /// Replaces every parameter of `model` with the checkpoint's tensor of the same dotted name (or
    /// the tensors its module says checkpoints save it as, `StoredUnderOtherNames`: Mixtral's
    /// per-expert `w1`/`w3`/`w2` for the experts' 3-D parameters), checking shapes against what the
    /// config implies. A parameter shared by two modules (tied embeddings) is loaded once, from
    /// whichever of its names the checkpoint holds.
    ///
    /// A slimmed checkpoint (its config has a `slimtrace` section) keeps the original config's
    /// sizes while some layers are narrower: there a parameter takes the stored shape whenever the
    /// rank agrees, and the modules read their sizes from their weights.
    public func load(into model: Module) throws {
        for (names, parameter, source) in CheckpointLayout(model: model, stored: tensorNames).entries {
            guard let source else { throw ModelError.missingTensor(name: names[0], file: directory.path) }
            let partShape = source.partShape(for: parameter.shape)
            let value = try source.assemble { name in
                let stored = try tensor(named: name)
                guard let partShape, config.accepts(storedShape: stored.shape, expected: partShape) else {
                    throw ModelError.shapeMismatch(tensor: name, file: directory.path, expected: partShape ?? parameter.shape, actual: stored.shape)
                }
                guard stored.dtype.isFloatingPoint else {
                    throw ModelError.unsupportedDType(tensor: name, file: directory.path, dtype: stored.dtype.rawValue)
                }
                return stored.dtype == .f32 ? stored : try stored.to(.f32)
            }
            parameter.tensor = value
        }
    }
}
