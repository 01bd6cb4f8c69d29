/// The `added_tokens` of a `tokenizer.json`: tokens split out of the text before the model sees it,
/// matched leftmost-longest, the non-`normalized` ones on the original text and the others after
/// normalization, honouring `single_word`, `lstrip` and `rstrip` (Hugging Face's `AddedVocabulary`).
struct AddedVocabulary: Sendable {
    struct AddedToken: Sendable {
        var content: String
        var singleWord: Bool
        var lstrip: Bool
        var rstrip: Bool
        var normalized: Bool
        var special: Bool
    }

    private(set) var tokens: [Int: AddedToken] = [:]
    private var ids: [ByteKey: Int] = [:]
    /// An added token's content after the normalizer, where it differs.
    private var normalizedContent: [Int: String] = [:]
    private var specialContents: Set<ByteKey> = []
    private var originalMatcher = Matcher()
    private var normalizedMatcher = Matcher()

    init() {}

    /// Adds the tokens as `add_tokens` does: the id is the existing one of that content, in the added
    /// tokens or the model, else the next free id after the model's vocabulary.
    init(json: JSONValue?, model: Model, normalizer: Normalizer?) throws {
        var nextId = model.vocabularySize
        for entry in json?.array ?? [] {
            guard let content = entry["content"]?.string else {
                throw TokenizerError.invalid(component: "added_tokens", reason: "an entry has no 'content'")
            }
            if content.isEmpty { continue }
            let special = entry["special"]?.bool ?? false
            let token = AddedToken(
                content: content, singleWord: entry["single_word"]?.bool ?? false, lstrip: entry["lstrip"]?.bool ?? false,
                rstrip: entry["rstrip"]?.bool ?? false, normalized: entry["normalized"]?.bool ?? !special, special: special
            )
            let key = ByteKey(content)
            let id: Int
            if let existing = ids[key] ?? model.id(content) {
                id = existing
            } else {
                id = nextId
                nextId += 1
            }
            if token.normalized, let normalizer {
                var text = NormalizedString(content)
                normalizer.normalize(&text)
                if text.bytes != key.bytes { normalizedContent[id] = text.text }
            }
            ids[key] = id
            if special { specialContents.insert(key) }
            tokens[id] = token
        }
        for (id, token) in tokens {
            if token.normalized {
                normalizedMatcher.insert(Array((normalizedContent[id] ?? token.content).utf8), id: id)
            } else {
                originalMatcher.insert(Array(token.content.utf8), id: id)
            }
        }
    }

    func id(_ content: String) -> Int? { ids[ByteKey(content)] }

    /// The text of an added token's id, normalized where its content is (`simple_id_to_token`).
    func token(_ id: Int) -> String? {
        guard let token = tokens[id] else { return nil }
        return normalizedContent[id] ?? token.content
    }

    func isSpecial(_ token: String) -> Bool { specialContents.contains(ByteKey(token)) }

    /// Splits the added tokens out of `text`, normalizing the rest in between (`extract_and_normalize`).
    func extractAndNormalize(_ text: String, normalizer: Normalizer?) -> PreTokenizedString {
        var pieces = PreTokenizedString(text)
        pieces.splitKeepingTokens { split($0, matcher: originalMatcher) }
        pieces.splitKeepingTokens { piece in
            var piece = piece
            normalizer?.normalize(&piece)
            return split(piece, matcher: normalizedMatcher)
        }
        return pieces
    }

    private func split(_ piece: NormalizedString, matcher: Matcher) -> [PreTokenizedString.Piece] {
        findMatches(piece.bytes, matcher: matcher).compactMap { id, start, end in
            guard let slice = piece.slice((start, end)) else { return nil }
            guard let id else { return PreTokenizedString.Piece(normalized: slice, tokens: nil) }
            return PreTokenizedString.Piece(normalized: slice, tokens: [Token(id: id, value: slice.text, start: 0, end: slice.bytes.count)])
        }
    }

    /// The text cut at the added tokens found in it (`find_matches`).
    private func findMatches(_ bytes: [UInt8], matcher: Matcher) -> [(id: Int?, start: Int, end: Int)] {
        if bytes.isEmpty { return [(nil, 0, 0)] }
        guard !matcher.isEmpty else { return [(nil, 0, bytes.count)] }
        var result: [(id: Int?, start: Int, end: Int)] = []
        var startOffset = 0
        for (id, matchStart, matchEnd) in matcher.leftmostLongestMatches(in: bytes) {
            guard let token = tokens[id] else { continue }
            var (start, stop) = (matchStart, matchEnd)
            if token.singleWord {
                let startSpace = start == 0 || !Self.lastScalar(bytes, before: start).isWordCharacter
                let stopSpace = stop == bytes.count || !bytes.scalar(at: stop).scalar.isWordCharacter
                guard startSpace, stopSpace else { continue }
            }
            if token.lstrip {
                var newStart = start
                while newStart > 0 {
                    let previous = Self.previousBoundary(bytes, before: newStart)
                    guard bytes.scalar(at: previous).scalar.isSpace else { break }
                    newStart = previous
                }
                start = max(newStart, startOffset)
            }
            if token.rstrip {
                while stop < bytes.count {
                    let (scalar, length) = bytes.scalar(at: stop)
                    guard scalar.isSpace else { break }
                    stop += length
                }
            }
            if startOffset < start { result.append((nil, startOffset, start)) }
            result.append((id, start, stop))
            startOffset = stop
        }
        if startOffset != bytes.count { result.append((nil, startOffset, bytes.count)) }
        return result
    }

    private static func previousBoundary(_ bytes: [UInt8], before index: Int) -> Int {
        var previous = index - 1
        while previous > 0, bytes[previous] & 0xC0 == 0x80 { previous -= 1 }
        return previous
    }

    private static func lastScalar(_ bytes: [UInt8], before index: Int) -> Unicode.Scalar {
        bytes.scalar(at: previousBoundary(bytes, before: index)).scalar
    }
}

/// Leftmost-longest matching of a set of byte strings (the Aho-Corasick automaton's answers).
struct Matcher: Sendable {
    private var trie = ByteTrie()
    private var firstBytes = [Bool](repeating: false, count: 256)
    private(set) var isEmpty = true

    mutating func insert(_ bytes: [UInt8], id: Int) {
        guard let first = bytes.first else { return }
        trie.insert(bytes, id: id)
        firstBytes[Int(first)] = true
        isEmpty = false
    }

    /// Non-overlapping matches, each the longest starting at the leftmost position where one starts.
    func leftmostLongestMatches(in bytes: [UInt8]) -> [(id: Int, start: Int, end: Int)] {
        var result: [(id: Int, start: Int, end: Int)] = []
        var start = 0
        while start < bytes.count {
            guard firstBytes[Int(bytes[start])] else { start += 1; continue }
            var longest: (id: Int, length: Int)?
            trie.forEachPrefix(of: bytes, from: start) { id, length in longest = (id, length) }
            if let longest {
                result.append((longest.id, start, start + longest.length))
                start += longest.length
            } else {
                start += 1
            }
        }
        return result
    }
}
