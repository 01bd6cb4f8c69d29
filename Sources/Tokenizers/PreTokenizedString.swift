/// A text cut into pieces, each a `NormalizedString` and, once the model ran (or for an added token),
/// its tokens: Hugging Face `tokenizers`' `PreTokenizedString`.
struct PreTokenizedString {
    struct Piece {
        var normalized: NormalizedString
        var tokens: [Token]?
    }

    private(set) var pieces: [Piece]

    init(_ text: String) {
        pieces = [Piece(normalized: NormalizedString(text), tokens: nil)]
    }

    /// Replaces each piece without tokens by the pieces `body` makes of it, dropping empty ones (`split`).
    mutating func split(_ body: (NormalizedString) throws -> [NormalizedString]) rethrows {
        try splitKeepingTokens { try body($0).map { Piece(normalized: $0, tokens: nil) } }
    }

    /// As `split`, where `body` may give pieces their tokens already.
    mutating func splitKeepingTokens(_ body: (NormalizedString) throws -> [Piece]) rethrows {
        var result: [Piece] = []
        result.reserveCapacity(pieces.count)
        for piece in pieces {
            if piece.tokens != nil {
                result.append(piece)
                continue
            }
            for new in try body(piece.normalized) where !new.normalized.isEmpty {
                result.append(new)
            }
        }
        pieces = result
    }

    /// Changes each piece without tokens in place (`normalize`).
    mutating func normalize(_ body: (inout NormalizedString) throws -> Void) rethrows {
        for index in pieces.indices where pieces[index].tokens == nil {
            try body(&pieces[index].normalized)
        }
    }

    /// Runs the model on each piece without tokens (`tokenize`).
    mutating func tokenize(with model: Model) throws {
        for index in pieces.indices where pieces[index].tokens == nil {
            pieces[index].tokens = try model.tokenize(pieces[index].normalized.bytes)
        }
    }

    /// The tokens with offsets in characters of the original text (`into_encoding` with
    /// `OffsetType::Char`, as Python's `Encoding.offsets` gives them); word ids are piece indices.
    func encoding(typeId: Int, offsets converter: CharacterOffsets) -> Encoding {
        var encoding = Encoding()
        for (pieceIndex, piece) in pieces.enumerated() {
            let normalized = piece.normalized
            for token in piece.tokens ?? [] {
                var offsets = (start: token.start, end: token.end)
                if let original = normalized.originalRange(of: offsets) {
                    offsets = (normalized.originalShift + original.start, normalized.originalShift + original.end)
                }
                let characters = converter.convert(offsets)
                encoding.append(
                    id: token.id, token: token.value, typeId: typeId, wordId: pieceIndex,
                    offsets: characters.start..<max(characters.start, characters.end), special: false
                )
            }
        }
        return encoding
    }
}

/// Byte offsets of a text to character (scalar) offsets, as Hugging Face's `BytesToCharOffsetConverter`.
struct CharacterOffsets {
    /// The character index of each byte.
    private let characterOfByte: [Int32]

    init(_ text: String) {
        var map: [Int32] = []
        map.reserveCapacity(text.utf8.count)
        for (index, scalar) in text.unicodeScalars.enumerated() {
            for _ in 0..<scalar.utf8Length { map.append(Int32(index)) }
        }
        characterOfByte = map
    }

    func convert(_ offsets: (start: Int, end: Int)) -> (start: Int, end: Int) {
        guard offsets.start >= 0, offsets.start < characterOfByte.count else { return offsets }
        let start = Int(characterOfByte[offsets.start])
        if offsets.end >= 0, offsets.end < characterOfByte.count { return (start, Int(characterOfByte[offsets.end])) }
        let before = offsets.end - 1
        let last = before >= 0 && before < characterOfByte.count ? Int(characterOfByte[before]) : start + 1
        return (start, last + 1)
    }
}
