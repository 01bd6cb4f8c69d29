import Foundation

/// A Keras 3 `.keras` file: a zip holding `config.json` (the model's serialized config),
/// `metadata.json` (the Keras version) and `model.weights.h5`. Only the config is read: it is
/// enough to list the top-level model's layers as `model.layers` does after
/// `keras.saving.load_model`, which is what INC's `ClassifierHeadSearcherTF` walks.
public struct KerasArchive: Sendable {
    /// The archive.
    public let url: URL
    /// The model its `config.json` describes.
    public let model: KerasModel
    /// `keras_version` from `metadata.json`, when the archive has one.
    public let kerasVersion: String?

    /// The largest `config.json` read (64 MiB; a real model's is kilobytes to a few megabytes).
    public static let configByteLimit: UInt64 = 64 << 20
    /// The largest `metadata.json` read (1 MiB; a real one is a few dozen bytes).
    public static let metadataByteLimit: UInt64 = 1 << 20

    /// Opens the archive at `url` and parses its `config.json`.
    public init(url: URL) throws {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KerasArchiveError.missingFile(path: path)
        }
        guard !isDirectory.boolValue else {
            throw KerasArchiveError.notZip(path: path, detail: "it is a folder")
        }
        let archive: ZipArchive
        do {
            archive = try ZipArchive(url: url)
        } catch let error as ZipArchiveError {
            if case .notZip = error {
                throw KerasArchiveError.notZip(path: path, detail: error.reason)
            }
            throw KerasArchiveError.damagedArchive(path: path, detail: error.reason)
        }
        guard let configData = try Self.read("config.json", from: archive, limit: Self.configByteLimit) else {
            let entries = archive.entries.map(\.name).sorted()
            throw KerasArchiveError.missingEntry(path: path, entry: "config.json", found: entries)
        }
        self.url = url
        model = try KerasModel(configJSON: configData, source: "\(path)/config.json")
        if let metadata = try? Self.read("metadata.json", from: archive, limit: Self.metadataByteLimit),
           let object = try? JSONSerialization.jsonObject(with: metadata) as? [String: Any] {
            kerasVersion = object["keras_version"] as? String
        } else {
            kerasVersion = nil
        }
    }

    /// The bytes of the file entry `name` (at most `limit`), or nil when the archive has no such
    /// file. The weights (`model.weights.h5`) are never extracted.
    private static func read(_ name: String, from archive: ZipArchive, limit: UInt64) throws -> Data? {
        guard let entry = archive.entry(name), !entry.isDirectory else { return nil }
        do {
            return try archive.contents(of: entry, limit: limit)
        } catch let error as ZipArchiveError {
            throw KerasArchiveError.unreadableEntry(path: archive.path, entry: name, detail: error.reason)
        }
    }
}

/// One layer of a Keras model: its `name` and its Python class name (`Dense`, `Conv2D`,
/// `Dropout`, `InputLayer`, or `Sequential`/`Functional` for a nested model).
public struct KerasLayer: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public let name: String
    public let className: String

    public init(name: String, className: String) {
        self.name = name
        self.className = className
    }

    public var description: String { "\(name) (\(className))" }
}

/// The top-level model of a Keras config, with its layers listed as Keras' `model.layers` lists
/// them (not as the config does):
/// - a `Sequential` model's config lists its `InputLayer` first, but `model.layers` leaves it
///   out (Keras' `Sequential.layers` drops a leading `InputLayer`);
/// - a `Functional` model's `model.layers` keeps its `InputLayer`s, and lists the layers in the
///   config's order (which is the model's `operations` order, by graph depth); raw Keras ops
///   used in the graph (`keras.ops.*`, serialized with a `keras.src.ops` module) are operations,
///   not layers, and are left out as `Functional.layers` leaves them out;
/// - a nested model is one layer, named by its own `name` and its class (`Sequential`,
///   `Functional`, or a custom model class).
public struct KerasModel: Sendable, Equatable {
    /// How `model.layers` is derived from the saved list of layers.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// A plain stack (`Sequential` or a subclass): the leading `InputLayer` is not a layer.
        case sequential
        /// A graph of layers (`Functional`, `Model(inputs, outputs)`, functional subclasses):
        /// every layer, `InputLayer`s included.
        case functional
    }

    /// The model's name (`config.name`), when saved.
    public let name: String?
    /// The model's class (`Sequential`, `Functional`, ...).
    public let className: String
    public let kind: Kind
    /// `model.layers`, in order.
    public let layers: [KerasLayer]
    /// The layers as the config lists them (a Sequential's `InputLayer` included).
    public let savedLayers: [KerasLayer]

    /// Parses a Keras config (`config.json` of a `.keras` archive); `source` names the file in errors.
    public init(configJSON data: Data, source: String) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw KerasArchiveError.invalidJSON(path: source, detail: (error as NSError).localizedDescription)
        }
        try self.init(config: object, source: source)
    }

    /// Builds the model from a parsed Keras config object (`{"class_name": ..., "config": {...}}`).
    public init(config object: Any, source: String) throws {
        guard let root = object as? [String: Any] else {
            throw KerasArchiveError.noLayers(path: source, detail: "the config is not a JSON object")
        }
        guard let className = root["class_name"] as? String else {
            throw KerasArchiveError.noLayers(path: source, detail: "the config has no \"class_name\"")
        }
        // Keras 3 (and Keras 2's `.keras` format) nest the model's own config under "config";
        // a legacy Sequential config is the bare list of layers.
        let body = root["config"]
        let layerObjects: [Any]
        var configDictionary: [String: Any] = [:]
        if let dictionary = body as? [String: Any] {
            configDictionary = dictionary
            guard let list = dictionary["layers"] as? [Any] else {
                throw KerasArchiveError.noLayers(
                    path: source,
                    detail: "the \(className) model's config has no \"layers\" list (a subclassed model without a layer config cannot be read)")
            }
            layerObjects = list
        } else if let list = body as? [Any] {
            layerObjects = list
        } else {
            throw KerasArchiveError.noLayers(path: source, detail: "the \(className) model has no \"config\" object")
        }

        var saved: [KerasLayer] = []
        var isOperation: [Bool] = []
        var hasInboundNodes = false
        for (index, element) in layerObjects.enumerated() {
            guard let layer = element as? [String: Any] else {
                throw KerasArchiveError.malformedLayer(path: source, index: index, detail: "is not a JSON object")
            }
            guard let layerClass = layer["class_name"] as? String, !layerClass.isEmpty else {
                throw KerasArchiveError.malformedLayer(path: source, index: index, detail: "has no \"class_name\"")
            }
            let layerName = ((layer["config"] as? [String: Any])?["name"] as? String) ?? (layer["name"] as? String)
            guard let layerName, !layerName.isEmpty else {
                throw KerasArchiveError.malformedLayer(path: source, index: index, detail: "(\(layerClass)) has no name")
            }
            if layer["inbound_nodes"] != nil { hasInboundNodes = true }
            saved.append(KerasLayer(name: layerName, className: layerClass))
            let module = layer["module"] as? String ?? ""
            isOperation.append(module.hasPrefix("keras.src.ops") || module.hasPrefix("keras.ops"))
        }

        let functionalMarkers = hasInboundNodes || configDictionary["output_layers"] != nil || configDictionary["input_layers"] != nil
        let kind: Kind = className != "Sequential" && functionalMarkers ? .functional : .sequential

        self.name = configDictionary["name"] as? String
        self.className = className
        self.kind = kind
        savedLayers = saved
        switch kind {
        case .sequential:
            layers = saved.first?.className == "InputLayer" ? Array(saved.dropFirst()) : saved
        case .functional:
            layers = zip(saved, isOperation).filter { !$0.1 }.map(\.0)
        }
    }
}

/// Errors reading a `.keras` archive; each names the file at fault.
public enum KerasArchiveError: Error, LocalizedError, Equatable {
    case missingFile(path: String)
    case notZip(path: String, detail: String)
    case damagedArchive(path: String, detail: String)
    case missingEntry(path: String, entry: String, found: [String])
    case unreadableEntry(path: String, entry: String, detail: String)
    case invalidJSON(path: String, detail: String)
    case noLayers(path: String, detail: String)
    case malformedLayer(path: String, index: Int, detail: String)

    public var errorDescription: String? {
        switch self {
        case let .missingFile(path):
            "\(path): no such file"
        case let .notZip(path, detail):
            "\(path): not a zip archive, so not a Keras 3 .keras file (\(detail))"
        case let .damagedArchive(path, detail):
            "\(path): the .keras zip archive cannot be read (\(detail))"
        case let .missingEntry(path, entry, found):
            "\(path): the archive has no \(entry), so it is not a Keras 3 .keras file (it holds: \(found.isEmpty ? "nothing" : found.joined(separator: ", ")))"
        case let .unreadableEntry(path, entry, detail):
            "\(path): cannot read \(entry) from the archive (\(detail))"
        case let .invalidJSON(path, detail):
            "\(path): not valid JSON (\(detail))"
        case let .noLayers(path, detail):
            "\(path): no layers: \(detail)"
        case let .malformedLayer(path, index, detail):
            "\(path): layer \(index) of the model \(detail)"
        }
    }
}
