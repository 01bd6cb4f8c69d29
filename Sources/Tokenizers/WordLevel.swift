/// Hugging Face `tokenizers`' `models.WordLevel`: each piece is one vocabulary entry or the unknown token.
struct WordLevel: Sendable {
    let vocabulary: Vocabulary
    let unknownToken: String

    init(json: JSONValue) throws {
        vocabulary = try Vocabulary(json: json["vocab"], component: "WordLevel model")
        unknownToken = json["unk_token"]?.string ?? "<unk>"
    }

    func tokenize(_ word: [UInt8]) throws -> [Token] {
        if let id = vocabulary.id(ByteKey(word)) {
            return [Token(id: id, value: String(utf8Bytes: word), start: 0, end: word.count)]
        }
        guard let id = vocabulary.id(unknownToken) else { throw TokenizerError.missingUnknownToken(model: "WordLevel") }
        return [Token(id: id, value: unknownToken, start: 0, end: word.count)]
    }
}
