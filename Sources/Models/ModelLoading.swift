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
    /// The checkpoint's tensors the model does not use, in file order (recomputed buffers such as
    /// `position_ids` aside; see `Checkpoint.unusedTensorNames(_:by:)`).
    public let unusedTensors: [String]

    /// The warning a command prints when the checkpoint holds tensors the model does not use.
    public var unusedTensorsWarning: String? {
        guard !unusedTensors.isEmpty else { return nil }
        let count = unusedTensors.count == 1 ? "1 tensor" : "\(unusedTensors.count) tensors"
        return "warning: \(count) in \(directory.path) \(unusedTensors.count == 1 ? "is" : "are") not used by \(model.typeName): \(unusedTensors.joined(separator: ", "))"
    }
}

/// Loads a checkpoint folder for a command, choosing meta mode when asked or when the folder has
/// no weight files or they are larger than memory (weights that are there but broken are an
/// error, never a reason for meta mode). In meta mode only the safetensors headers are read: every
/// parameter's name and shape is checked against them, nothing else is mapped or read.
public enum ModelLoading {
    public static func load(_ directory: URL, mode: LoadMode = .auto) throws -> LoadedModel {
        if mode == .real { return try real(directory) }
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw ModelError.missingFile(path: directory.path, detail: "no such checkpoint folder")
        }
        let files = try Checkpoint.weightFiles(in: directory)
        let reason: String
        if mode == .meta {
            reason = "--meta"
        } else if files.isEmpty {
            reason = "the folder has config.json but no weights"
        } else {
            // A file whose size cannot be read counts as empty here; opening it names the problem.
            let bytes = files.reduce(0) { total, url in
                total + (((try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path))?[.size] as? Int) ?? 0)
            }
            let memory = Int(ProcessInfo.processInfo.physicalMemory)
            guard bytes > memory * 8 / 10 else { return try real(directory) }
            reason = "the weights (\(bytes >> 30) GiB) would not fit in memory (\(memory >> 30) GiB)"
        }
        let config = try ConfigFile(url: directory.appendingPathComponent("config.json"))
        let headers = try files.flatMap { try SafetensorsFile.readHeader(url: $0) }
        let model = try Architectures.build(config: config, parameterNames: Set(headers.map(\.name)))
        if !headers.isEmpty { try checkShapes(of: model, against: headers, config: config, directory: directory) }
        return LoadedModel(model: model, directory: directory, isMeta: true, metaReason: reason,
                           unusedTensors: Checkpoint.unusedTensorNames(headers.map(\.name), by: model))
    }

    /// The model with its weights.
    private static func real(_ directory: URL) throws -> LoadedModel {
        let checkpoint = try Checkpoint(directory: directory)
        let model = try checkpoint.loadModel()
        return LoadedModel(model: model, directory: directory, isMeta: false, metaReason: nil, unusedTensors: checkpoint.unusedTensorNames(by: model))
    }

    /// Every parameter (once per shared parameter) must be in the headers, under its name or in the
    /// form its module declares, with a shape the config accepts; the parameter takes the stored
    /// shape (as meta).
    static func checkShapes(of model: Module, against headers: [SafetensorsEntry], config: ConfigFile, directory: URL) throws {
        let byName = Dictionary(headers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (names, parameter, source) in CheckpointLayout(model: model, stored: Set(byName.keys)).entries {
            guard let source else { throw ModelError.missingTensor(name: names[0], file: directory.path) }
            let partShape = source.partShape(for: parameter.shape)
            var stored: [Int] = []
            for name in source.storedNames {
                let entry = byName[name]!
                guard let partShape, config.accepts(storedShape: entry.shape, expected: partShape),
                      stored.isEmpty || stored == entry.shape else {
                    throw ModelError.shapeMismatch(tensor: entry.name, file: directory.path, expected: stored.isEmpty ? partShape ?? parameter.shape : stored, actual: entry.shape)
                }
                guard entry.dtype.runtimeType?.isFloatingPoint == true else {
                    throw ModelError.unsupportedDType(tensor: entry.name, file: directory.path, dtype: entry.dtype.rawValue)
                }
                stored = entry.shape
            }
            parameter.tensor = .meta(shape: source.parameterShape(partShape: stored), dtype: .f32)
        }
    }
}
