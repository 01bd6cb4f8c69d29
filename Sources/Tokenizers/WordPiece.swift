/// Hugging Face `tokenizers`' `models.WordPiece`: greedy longest-match-first subwords, later pieces
/// written with the continuing-subword prefix; a word with a piece not in the vocabulary, or longer
/// than `max_input_chars_per_word`, is the unknown token.
struct WordPiece: Sendable {
    let vocabulary: Vocabulary
    let unknownToken: String
    let prefix: [UInt8]
    let maxInputCharsPerWord: Int
    /// The longest vocabulary entry, in bytes: longer candidates are never looked up.
    private let longestToken: Int
    private let cache = TokenCache()

    init(json: JSONValue) throws {
        vocabulary = try Vocabulary(json: json["vocab"], component: "WordPiece model")
        unknownToken = json["unk_token"]?.string ?? "[UNK]"
        prefix = Array((json["continuing_subword_prefix"]?.string ?? "##").utf8)
        maxInputCharsPerWord = json["max_input_chars_per_word"]?.int ?? 100
        longestToken = vocabulary.ids.keys.map(\.bytes.count).max() ?? 0
    }

    func tokenize(_ word: [UInt8]) throws -> [Token] {
        let key = ByteKey(word)
        if let cached = cache.tokens(for: key) { return cached }
        let tokens = try split(word)
        cache.store(tokens, for: key)
        return tokens
    }

    private func split(_ word: [UInt8]) throws -> [Token] {
        var scalarCount = 0
        for byte in word where byte & 0xC0 != 0x80 { scalarCount += 1 }
        if scalarCount > maxInputCharsPerWord { return [try unknown(length: word.count)] }
        var tokens: [Token] = []
        var start = 0
        var candidate: [UInt8] = []
        while start < word.count {
            let prefixLength = start > 0 ? prefix.count : 0
            var end = min(word.count, start + max(0, longestToken - prefixLength))
            while end > start, !word.isScalarBoundary(end) { end -= 1 }
            var found: Token?
            while start < end {
                candidate.removeAll(keepingCapacity: true)
                if start > 0 { candidate.append(contentsOf: prefix) }
                candidate.append(contentsOf: word[start..<end])
                let key = ByteKey(candidate)
                if let id = vocabulary.id(key) {
                    found = Token(id: id, value: String(utf8Bytes: candidate), start: start, end: end)
                    break
                }
                end -= 1
                while end > start, !word.isScalarBoundary(end) { end -= 1 }
            }
            guard let token = found else { return [try unknown(length: word.count)] }
            tokens.append(token)
            start = token.end
        }
        return tokens
    }

    private func unknown(length: Int) throws -> Token {
        guard let id = vocabulary.id(unknownToken) else { throw TokenizerError.missingUnknownToken(model: "WordPiece") }
        return Token(id: id, value: unknownToken, start: 0, end: length)
    }
}
