import Foundation

/// A checkpoint's `config.json`: the raw bytes, the two keys every architecture needs
/// (`model_type`, `architectures`), and typed decoding into each family's config struct.
public struct ConfigFile: Sendable {
    /// Where it was read from (named in errors).
    public let url: URL
    /// The file's bytes.
    public let data: Data
    /// `model_type` (`bert`, `llama`, ...).
    public let modelType: String
    /// `architectures` (may be empty).
    public let architectures: [String]
    /// True when the config has a `slimtrace` section: the checkpoint was slimmed, and its layers'
    /// sizes (feed-forward width, head count) come from its tensors, not from this config.
    public let isSlimmed: Bool
    /// `vocab_size`: the rows of the token embedding, when the config gives it.
    public let vocabularySize: Int?
    /// The most positions the model embeds (`max_position_embeddings`, GPT-2's `n_positions`), if given.
    public let maxPositions: Int?

    /// Reads and checks `config.json` at `url`.
    public init(url: URL) throws {
        guard FileReading.entryExists(url) else {
            throw ModelError.missingFile(path: url.path, detail: "no config.json here (a Hugging Face checkpoint folder has one)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)[.size] as? Int) ?? 0
        guard size <= ConfigLimits.configFileBytes else {
            throw ModelError.invalidConfig(path: url.path, detail: "is \(size) bytes, more than the \(ConfigLimits.configFileBytes) slimtrace reads")
        }
        try self.init(data: FileReading.data(of: url), url: url)
    }

    /// Parses config bytes (`url` is only used in messages).
    public init(data: Data, url: URL) throws {
        self.url = url
        self.data = data
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw ModelError.invalidConfig(path: url.path, detail: "not valid JSON (\(reason))")
        }
        guard let dictionary = object as? [String: Any] else {
            throw ModelError.invalidConfig(path: url.path, detail: "is not a JSON object")
        }
        guard let type = dictionary["model_type"] as? String else {
            throw ModelError.invalidConfig(path: url.path, detail: "missing required key \"model_type\"")
        }
        modelType = type
        architectures = dictionary["architectures"] as? [String] ?? []
        isSlimmed = dictionary["slimtrace"] is [String: Any]
        vocabularySize = dictionary["vocab_size"] as? Int
        maxPositions = (dictionary["max_position_embeddings"] ?? dictionary["n_positions"]) as? Int
    }

    /// Whether a stored tensor of `stored` shape can fill a parameter the config sizes as `expected`:
    /// equal shapes always; in a slimmed checkpoint (a `slimtrace` section), any shape of the same
    /// rank, since slimming narrows layers one by one and the sizes then come from the tensors.
    public func accepts(storedShape stored: [Int], expected: [Int]) -> Bool {
        stored == expected || (isSlimmed && stored.count == expected.count)
    }

    /// Decodes the family's config struct; a missing key or a wrong type is an error naming the key.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw ModelError.invalidConfig(path: url.path, detail: "missing required key \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelError.invalidConfig(path: url.path, detail: "key \"\(key)\" has the wrong type (\(context.debugDescription))")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelError.invalidConfig(path: url.path, detail: "\"\(key)\" \(context.debugDescription)")
        } catch {
            throw ModelError.invalidConfig(path: url.path, detail: "cannot be decoded: \(error.localizedDescription)")
        }
    }

    /// Throws an invalid-config error naming `key` unless `condition` holds (for values that must be positive, divisible, ...).
    public func require(_ condition: Bool, _ key: String, _ detail: String) throws {
        if !condition { throw ModelError.invalidConfig(path: url.path, detail: "\"\(key)\" \(detail)") }
    }
}
