/// The `model` of a `tokenizer.json`: what turns one pre-tokenized piece into tokens.
enum Model: Sendable {
    case wordPiece(WordPiece)
    case bpe(BPE)
    case unigram(Unigram)
    case wordLevel(WordLevel)

    init(json: JSONValue?) throws {
        guard let json, json.members != nil else { throw TokenizerError.invalid(component: "tokenizer.json", reason: "'model' is missing") }
        let type = json["type"]?.string ?? Self.inferredType(json)
        switch type {
        case "WordPiece": self = .wordPiece(try WordPiece(json: json))
        case "BPE": self = .bpe(try BPE(json: json))
        case "Unigram": self = .unigram(try Unigram(json: json))
        case "WordLevel": self = .wordLevel(try WordLevel(json: json))
        default: throw TokenizerError.unsupported(component: "model", type: type)
        }
    }

    /// Files written before `type` was serialized: BPE has merges, Unigram a list vocabulary.
    private static func inferredType(_ json: JSONValue) -> String {
        if json["merges"] != nil { return "BPE" }
        if json["vocab"]?.array != nil { return "Unigram" }
        if json["continuing_subword_prefix"] != nil || json["max_input_chars_per_word"] != nil { return "WordPiece" }
        return "WordLevel"
    }

    func tokenize(_ piece: [UInt8]) throws -> [Token] {
        switch self {
        case .wordPiece(let model): try model.tokenize(piece)
        case .bpe(let model): try model.tokenize(piece)
        case .unigram(let model): try model.tokenize(piece)
        case .wordLevel(let model): try model.tokenize(piece)
        }
    }

    func id(_ token: String) -> Int? {
        switch self {
        case .wordPiece(let model): model.vocabulary.id(token)
        case .bpe(let model): model.vocabulary.id(token)
        case .unigram(let model): model.id(token)
        case .wordLevel(let model): model.vocabulary.id(token)
        }
    }

    func token(_ id: Int) -> String? {
        switch self {
        case .wordPiece(let model): model.vocabulary.token(id)
        case .bpe(let model): model.vocabulary.token(id)
        case .unigram(let model): model.token(id)
        case .wordLevel(let model): model.vocabulary.token(id)
        }
    }

    /// Every (token, id) of the vocabulary.
    var entries: [(token: String, id: Int)] {
        switch self {
        case .wordPiece(let model): model.vocabulary.tokens.map { ($0.value, $0.key) }
        case .bpe(let model): model.vocabulary.tokens.map { ($0.value, $0.key) }
        case .unigram(let model): model.pieces.enumerated().map { ($0.element.token, $0.offset) }
        case .wordLevel(let model): model.vocabulary.tokens.map { ($0.value, $0.key) }
        }
    }

    var vocabularySize: Int {
        switch self {
        case .wordPiece(let model): model.vocabulary.count
        case .bpe(let model): model.vocabulary.count
        case .unigram(let model): model.vocabularySize
        case .wordLevel(let model): model.vocabulary.count
        }
    }
}
