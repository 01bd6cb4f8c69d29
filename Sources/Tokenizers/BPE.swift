/// Hugging Face `tokenizers`' `models.BPE`: a word starts as its characters (with the continuing-subword
/// prefix and end-of-word suffix where given, `<0xNN>` byte tokens for unknown characters under
/// `byte_fallback`, and the unknown token, fused if `fuse_unk`), then the ranked merges apply,
/// lowest rank first. `ignore_merges` takes a whole word found in the vocabulary as is.
struct BPE: Sendable {
    /// The rank and the result of merging a pair of ids.
    struct Merge: Sendable {
        var rank: Int
        var id: Int
    }

    let vocabulary: Vocabulary
    /// Merges keyed by `left << 32 | right`.
    let merges: [UInt64: Merge]
    let unknownToken: String?
    let continuingSubwordPrefix: String?
    let endOfWordSuffix: String?
    let fuseUnknown: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    /// The id of every one-scalar token, for words without prefix or suffix.
    private let scalarIds: [UInt32: Int]
    /// The `<0xNN>` byte tokens' ids, where present.
    private let byteIds: [Int?]
    private let cache = TokenCache()

    init(json: JSONValue) throws {
        let component = "BPE model"
        if let dropout = json["dropout"], !dropout.isNull, dropout.double != 0 {
            throw TokenizerError.unsupported(component: "BPE dropout (non-deterministic)", type: "\(dropout.double ?? .nan)")
        }
        vocabulary = try Vocabulary(json: json["vocab"], component: component)
        unknownToken = json["unk_token"]?.string
        continuingSubwordPrefix = json["continuing_subword_prefix"]?.string
        endOfWordSuffix = json["end_of_word_suffix"]?.string
        fuseUnknown = json["fuse_unk"]?.bool ?? false
        byteFallback = json["byte_fallback"]?.bool ?? false
        ignoreMerges = json["ignore_merges"]?.bool ?? false
        merges = try Self.merges(json["merges"], vocabulary: vocabulary, prefixLength: continuingSubwordPrefix?.utf8.count ?? 0)
        var scalarIds: [UInt32: Int] = [:]
        for (key, id) in vocabulary.ids where key.bytes.count <= 4 && !key.bytes.isEmpty {
            let (scalar, length) = key.bytes.scalar(at: 0)
            if length == key.bytes.count { scalarIds[scalar.value] = id }
        }
        self.scalarIds = scalarIds
        let vocabulary = vocabulary
        byteIds = (0...255).map { vocabulary.id(Self.byteToken($0)) }
    }

    /// The `<0xNN>` token of a byte.
    static func byteToken(_ byte: Int) -> String {
        let hex = Array("0123456789ABCDEF")
        return "<0x\(hex[byte >> 4])\(hex[byte & 15])>"
    }

    /// Reads `merges`: `"a b"` strings or `["a", "b"]` pairs; every part and result must be in the vocabulary.
    private static func merges(_ json: JSONValue?, vocabulary: Vocabulary, prefixLength: Int) throws -> [UInt64: Merge] {
        let component = "BPE model"
        guard let list = json?.array else { throw TokenizerError.invalid(component: component, reason: "'merges' is missing") }
        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(list.count)
        for (rank, entry) in list.enumerated() {
            let pair: (String, String)
            if let line = entry.string {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw TokenizerError.invalid(component: component, reason: "merge \(rank + 1) '\(line)' is not two tokens separated by one space")
                }
                pair = (String(parts[0]), String(parts[1]))
            } else if let parts = entry.array, parts.count == 2, let left = parts[0].string, let right = parts[1].string {
                pair = (left, right)
            } else {
                throw TokenizerError.invalid(component: component, reason: "merge \(rank + 1) is neither \"a b\" nor [a, b]")
            }
            guard let left = vocabulary.id(pair.0) else { throw TokenizerError.tokenOutOfVocabulary(component: "BPE merges", token: pair.0) }
            guard let right = vocabulary.id(pair.1) else { throw TokenizerError.tokenOutOfVocabulary(component: "BPE merges", token: pair.1) }
            let rightBytes = Array(pair.1.utf8)
            let merged = Array(pair.0.utf8) + rightBytes[min(prefixLength, rightBytes.count)...]
            guard let id = vocabulary.id(ByteKey(merged)) else {
                throw TokenizerError.tokenOutOfVocabulary(component: "BPE merges", token: String(utf8Bytes: merged))
            }
            merges[UInt64(left) << 32 | UInt64(right)] = Merge(rank: rank, id: id)
        }
        return merges
    }

    func tokenize(_ word: [UInt8]) throws -> [Token] {
        if word.isEmpty { return [] }
        if ignoreMerges, let id = vocabulary.id(ByteKey(word)) {
            return [Token(id: id, value: String(utf8Bytes: word), start: 0, end: word.count)]
        }
        let key = ByteKey(word)
        if let cached = cache.tokens(for: key) { return cached }
        var symbols = try initialSymbols(word)
        mergeAll(&symbols)
        var tokens: [Token] = []
        tokens.reserveCapacity(symbols.count)
        var position = 0
        for symbol in symbols where symbol.length > 0 {
            tokens.append(Token(id: symbol.id, value: vocabulary.token(symbol.id) ?? "", start: position, end: position + symbol.length))
            position += symbol.length
        }
        cache.store(tokens, for: key)
        return tokens
    }

    /// One symbol per character (`merge_word` before the merges).
    private func initialSymbols(_ word: [UInt8]) throws -> [Symbol] {
        var symbols: [Symbol] = []
        symbols.reserveCapacity(word.count)
        var unknown: (id: Int, length: Int)?
        let plain = continuingSubwordPrefix == nil && endOfWordSuffix == nil
        var index = 0
        var key: [UInt8] = []
        while index < word.count {
            let (scalar, length) = word.scalar(at: index)
            let isFirst = index == 0
            let isLast = index + length == word.count
            var found: Int?
            if plain {
                found = scalarIds[scalar.value]
            } else {
                key.removeAll(keepingCapacity: true)
                if !isFirst, let prefix = continuingSubwordPrefix { key.append(contentsOf: prefix.utf8) }
                key.append(contentsOf: word[index..<index + length])
                if isLast, let suffix = endOfWordSuffix { key.append(contentsOf: suffix.utf8) }
                found = vocabulary.id(ByteKey(key))
            }
            defer { index += length }
            if let id = found {
                if let pending = unknown {
                    symbols.append(Symbol(id: pending.id, length: pending.length))
                    unknown = nil
                }
                symbols.append(Symbol(id: id, length: length))
                continue
            }
            if byteFallback {
                let bytes = plain ? Array(word[index..<index + length]) : key
                let ids = bytes.compactMap { byteIds[Int($0)] }
                if ids.count == bytes.count {
                    symbols.append(contentsOf: ids.map { Symbol(id: $0, length: 1) })
                    continue
                }
            }
            guard let unknownToken else { continue }
            if let pending = unknown, fuseUnknown {
                unknown = (pending.id, pending.length + length)
                continue
            }
            if let pending = unknown { symbols.append(Symbol(id: pending.id, length: pending.length)) }
            guard let id = vocabulary.id(unknownToken) else {
                throw TokenizerError.tokenOutOfVocabulary(component: "BPE unk_token", token: unknownToken)
            }
            unknown = (id, length)
        }
        if let pending = unknown { symbols.append(Symbol(id: pending.id, length: pending.length)) }
        return symbols
    }
}
