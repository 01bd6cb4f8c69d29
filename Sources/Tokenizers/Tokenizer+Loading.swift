import Foundation

extension Tokenizer {
    /// Loads a `tokenizer.json` file, or the one in a model folder; a `tokenizer_config.json` beside it
    /// sets `model_max_length`, the padding side and the pad and eos tokens. Its `add_bos_token` / `add_eos_token` change nothing:
    /// transformers 5.24 keeps the post-processor `tokenizer.json` holds (and adds nothing without one).
    public init(contentsOf url: URL) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw TokenizerError.fileNotFound(path: url.path)
        }
        let file = isFolder.boolValue ? url.appendingPathComponent("tokenizer.json") : url
        guard FileManager.default.fileExists(atPath: file.path) else { throw TokenizerError.fileNotFound(path: url.path) }
        do {
            try self.init(json: [UInt8](Data(contentsOf: file)))
        } catch let error as TokenizerError {
            throw TokenizerError.inFile(path: file.path, error)
        }
        let config = file.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
        if FileManager.default.fileExists(atPath: config.path) {
            do {
                apply(config: try JSONParser.parse([UInt8](Data(contentsOf: config))))
            } catch let error as TokenizerError {
                throw TokenizerError.inFile(path: config.path, error)
            }
        }
    }

    /// Builds a tokenizer from the bytes of a `tokenizer.json`.
    public init(json bytes: [UInt8]) throws {
        let json = try JSONParser.parse(bytes)
        guard json.members != nil else { throw TokenizerError.notJSON(reason: "the document is not a JSON object") }
        if let version = json["version"]?.string, version != "1.0" {
            throw TokenizerError.unsupported(component: "tokenizer.json version", type: version)
        }
        func component<T>(_ key: String, _ make: (JSONValue) throws -> T) throws -> T? {
            guard let value = json[key], !value.isNull else { return nil }
            return try make(value)
        }
        normalizer = try component("normalizer", Normalizer.init(json:))
        preTokenizer = try component("pre_tokenizer", PreTokenizer.init(json:))
        postProcessor = try component("post_processor", PostProcessor.init(json:))
        decoder = try component("decoder", Decoder.init(json:))
        model = try Model(json: json["model"])
        addedVocabulary = try AddedVocabulary(json: json["added_tokens"], model: model, normalizer: normalizer)
        truncation = try TruncationParameters(json: json["truncation"])
        padding = try PaddingParameters(json: json["padding"])
    }

    /// Applies a parsed `tokenizer_config.json`.
    private mutating func apply(config: JSONValue) {
        if let length = config["model_max_length"]?.double, length < 1e12 { modelMaxLength = Int(length) }
        if let side = config["padding_side"]?.string {
            paddingSide = side == "left" ? .left : .right
            padding?.side = paddingSide
        }
        padToken = Self.specialToken(config["pad_token"])
        eosToken = Self.specialToken(config["eos_token"])
    }

    /// A special token of `tokenizer_config.json`: a string, or an added-token object's `content`.
    private static func specialToken(_ value: JSONValue?) -> String? {
        value?.string ?? value?["content"]?.string
    }
}
