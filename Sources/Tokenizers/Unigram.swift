/// Hugging Face `tokenizers`' `models.Unigram`: the best-scoring segmentation by Viterbi over the
/// pieces found in the text, unknown characters scored below every piece and fused into one unknown
/// token; under `byte_fallback` an unknown piece is its `<0xNN>` byte tokens instead.
struct Unigram: Sendable {
    let pieces: [(token: String, score: Double)]
    let unknownId: Int?
    let byteFallback: Bool
    private let ids: [ByteKey: Int]
    private let trie: ByteTrie
    private let unknownScore: Double
    private let cache = TokenCache()

    init(json: JSONValue) throws {
        let component = "Unigram model"
        guard let vocab = json["vocab"]?.array else {
            throw TokenizerError.invalid(component: component, reason: "'vocab' is not a list of [token, score]")
        }
        var pieces: [(token: String, score: Double)] = []
        pieces.reserveCapacity(vocab.count)
        for entry in vocab {
            guard let pair = entry.array, pair.count == 2, let token = pair[0].string, let score = pair[1].double else {
                throw TokenizerError.invalid(component: component, reason: "a 'vocab' entry is not [token, score]")
            }
            pieces.append((token, score))
        }
        if let unknown = json["unk_id"], !unknown.isNull {
            guard let id = unknown.int, id >= 0, id < pieces.count else {
                throw TokenizerError.invalid(component: component, reason: "'unk_id' is not an index of the vocabulary")
            }
            unknownId = id
        } else {
            unknownId = nil
        }
        byteFallback = json["byte_fallback"]?.bool ?? false
        var ids: [ByteKey: Int] = [:]
        var trie = ByteTrie()
        for (id, piece) in pieces.enumerated() {
            let bytes = Array(piece.token.utf8)
            ids[ByteKey(bytes)] = id
            trie.insert(bytes, id: id)
        }
        self.pieces = pieces
        self.ids = ids
        self.trie = trie
        unknownScore = (pieces.map(\.score).min() ?? .infinity) - 10
    }

    var vocabularySize: Int { pieces.count }

    func id(_ token: String) -> Int? { ids[ByteKey(token)] }

    func token(_ id: Int) -> String? { id >= 0 && id < pieces.count ? pieces[id].token : nil }

    func tokenize(_ text: [UInt8]) throws -> [Token] {
        if text.isEmpty { return [] }
        let key = ByteKey(text)
        if let cached = cache.tokens(for: key) { return cached }
        var tokens: [Token] = []
        var offset = 0
        for piece in try segment(text) {
            let length = piece.count
            defer { offset += length }
            if let id = ids[ByteKey(piece)] {
                tokens.append(Token(id: id, value: String(utf8Bytes: piece), start: offset, end: offset + length))
                continue
            }
            if byteFallback {
                let byteTokens = piece.map { BPE.byteToken(Int($0)) }
                let byteIds = byteTokens.compactMap { id($0) }
                if byteIds.count == piece.count {
                    for (id, token) in zip(byteIds, byteTokens) {
                        tokens.append(Token(id: id, value: token, start: offset, end: offset + length))
                    }
                    continue
                }
            }
            guard let unknownId else { throw TokenizerError.missingUnknownToken(model: "Unigram") }
            tokens.append(Token(id: unknownId, value: String(utf8Bytes: piece), start: offset, end: offset + length))
        }
        cache.store(tokens, for: key)
        return tokens
    }

    /// The Viterbi segmentation into byte pieces, consecutive unknown characters fused (`encode_optimized`).
    private func segment(_ text: [UInt8]) throws -> [[UInt8]] {
        let size = text.count
        var bestScore = [Double](repeating: 0, count: size + 1)
        var startsAt = [Int](repeating: -1, count: size + 1)
        var bestId = [Int](repeating: 0, count: size + 1)
        var position = 0
        while position < size {
            let scoreHere = bestScore[position]
            let characterLength = text.scalar(at: position).length
            var hasSingleNode = false
            trie.forEachPrefix(of: text, from: position) { id, length in
                let end = position + length
                let candidate = pieces[id].score + scoreHere
                if startsAt[end] < 0 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    startsAt[end] = position
                    bestId[end] = id
                }
                if length == characterLength { hasSingleNode = true }
            }
            if !hasSingleNode {
                guard let unknownId else { throw TokenizerError.missingUnknownToken(model: "Unigram") }
                let end = position + characterLength
                let candidate = unknownScore + scoreHere
                if startsAt[end] < 0 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    startsAt[end] = position
                    bestId[end] = unknownId
                }
            }
            position += characterLength
        }
        var result: [[UInt8]] = []
        var unknownRun: [[UInt8]] = []
        var end = size
        while end > 0 {
            let start = startsAt[end]
            let piece = Array(text[start..<end])
            if bestId[end] == unknownId {
                unknownRun.append(piece)
            } else {
                if !unknownRun.isEmpty {
                    result.append(unknownRun.reversed().flatMap { $0 })
                    unknownRun = []
                }
                result.append(piece)
            }
            end = start
        }
        if !unknownRun.isEmpty { result.append(unknownRun.reversed().flatMap { $0 }) }
        return result.reversed()
    }
}
