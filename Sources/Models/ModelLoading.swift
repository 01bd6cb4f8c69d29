import Formats
import Foundation
import NN
import Tensor

/// How a command gets its model: with weights, or as shapes only.
public enum LoadMode: String, Sendable, CaseIterable {
    /// Meta when the folder has no weights or they would not fit in memory; real otherwise.
    case auto
    /// Always load the weights (mmap).
    case real
    /// Never read a weight: parameters are meta tensors checked against the safetensors headers.
    case meta
}

/// A model ready for a command, and whether (and why) it holds no weights.
public struct LoadedModel {
    public let model: any TransformerModel
    /// The checkpoint folder.
    public let directory: URL
    /// True when the parameters are meta tensors (shapes only).
    public let isMeta: Bool
    /// Why meta mode was chosen, for the report (nil for a real load).
    public let metaReason: String?
}

/// Loads a checkpoint folder for a command, choosing meta mode when asked or when the weights are
/// absent or larger than memory. In meta mode only the safetensors headers are read: every
/// parameter's name and shape is checked against them, nothing else is mapped or read.
public enum ModelLoading {
    public static func load(_ directory: URL, mode: LoadMode = .auto) throws -> LoadedModel {
        if mode == .real {
            return LoadedModel(model: try Checkpoint(directory: directory).loadModel(), directory: directory, isMeta: false, metaReason: nil)
        }
        let reason: String
        let files: [URL]
        if let found = try? Checkpoint.weightFiles(in: directory) {
            files = found
            let bytes = try found.reduce(0) { total, url in
                total + ((try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0)
            }
            let memory = Int(ProcessInfo.processInfo.physicalMemory)
            if mode == .meta {
                reason = "--meta"
            } else if bytes > memory * 8 / 10 {
                reason = "the weights (\(bytes >> 30) GiB) would not fit in memory (\(memory >> 30) GiB)"
            } else {
                return LoadedModel(model: try Checkpoint(directory: directory).loadModel(), directory: directory, isMeta: false, metaReason: nil)
            }
        } else {
            guard mode == .meta || FileManager.default.fileExists(atPath: directory.path) else {
                throw ModelError.missingFile(path: directory.path, detail: "no such checkpoint folder")
            }
            files = []
            reason = "the folder has config.json but no weights"
        }
        let config = try ConfigFile(url: directory.appendingPathComponent("config.json"))
        let headers = try files.flatMap { try SafetensorsFile.readHeader(url: $0) }
        let model = try Architectures.build(config: config, parameterNames: Set(headers.map(\.name)))
        if !headers.isEmpty { try checkShapes(of: model, against: headers, config: config, directory: directory) }
        return LoadedModel(model: model, directory: directory, isMeta: true, metaReason: reason)
    }

    /// Every parameter (once per shared parameter) must be in the headers with a shape the config
    /// accepts; the parameter takes the stored shape (as meta).
    static func checkShapes(of model: Module, against headers: [SafetensorsEntry], config: ConfigFile, directory: URL) throws {
        let byName = Dictionary(headers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (names, parameter) in model.uniqueParameters() {
            guard let entry = names.lazy.compactMap({ byName[$0] }).first else {
                throw ModelError.missingTensor(name: names[0], file: directory.path)
            }
            guard config.accepts(storedShape: entry.shape, expected: parameter.shape) else {
                throw ModelError.shapeMismatch(tensor: entry.name, file: directory.path, expected: parameter.shape, actual: entry.shape)
            }
            guard entry.dtype.isFloatingPoint else {
                throw ModelError.unsupportedDType(tensor: entry.name, file: directory.path, dtype: entry.dtype.rawValue)
            }
            parameter.tensor = .meta(shape: entry.shape, dtype: .f32)
        }
    }
}
