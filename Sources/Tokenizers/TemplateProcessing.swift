/// Hugging Face `tokenizers`' `processors.TemplateProcessing`: the single and pair templates, pieces
/// of sequences (`$A`, `$B`) and special tokens, each with its type id.
struct TemplateProcessing: Sendable {
    enum Piece: Sendable {
        case sequence(second: Bool, typeId: Int)
        case special(name: String, typeId: Int)
    }

    let single: [Piece]
    let pair: [Piece]
    /// Each special token name's ids and tokens.
    let specialTokens: [String: (ids: [Int], tokens: [String])]

    init(single: [Piece], pair: [Piece], specialTokens: [String: (ids: [Int], tokens: [String])]) {
        self.single = single
        self.pair = pair
        self.specialTokens = specialTokens
    }

    init(json: JSONValue) throws {
        let component = "TemplateProcessing post-processor"
        var specialTokens: [String: (ids: [Int], tokens: [String])] = [:]
        for (name, value) in json["special_tokens"]?.members ?? [] {
            let ids = value["ids"]?.array?.compactMap(\.int) ?? []
            let tokens = value["tokens"]?.array?.compactMap(\.string) ?? []
            guard ids.count == tokens.count else {
                throw TokenizerError.invalid(component: component, reason: "special token '\(name)' has \(ids.count) ids but \(tokens.count) tokens")
            }
            specialTokens[name] = (ids, tokens)
        }
        func pieces(_ field: String) throws -> [Piece] {
            try (json[field]?.array ?? []).map { piece in
                if let sequence = piece["Sequence"] {
                    return .sequence(second: sequence["id"]?.string == "B", typeId: sequence["type_id"]?.int ?? 0)
                }
                guard let special = piece["SpecialToken"], let name = special["id"]?.string else {
                    throw TokenizerError.invalid(component: component, reason: "a '\(field)' piece is neither Sequence nor SpecialToken")
                }
                guard specialTokens[name] != nil else {
                    throw TokenizerError.invalid(component: component, reason: "special token '\(name)' is used but not defined")
                }
                return .special(name: name, typeId: special["type_id"]?.int ?? 0)
            }
        }
        self.init(single: try pieces("single"), pair: try pieces("pair"), specialTokens: specialTokens)
    }

    func addedTokens(pair isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { count, piece in
            if case .special(let name, _) = piece { return count + (specialTokens[name]?.ids.count ?? 0) }
            return count
        }
    }

    /// The template applied to one encoding or a pair, as one encoding (`apply_template`).
    func apply(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        var result = Encoding()
        for piece in encodings.count == 2 ? pair : single {
            switch piece {
            case .sequence(let second, let typeId):
                let index = second ? 1 : 0
                guard index < encodings.count else { continue }
                var encoding = encodings[index]
                encoding.setTypeIds(typeId)
                result.append(contentsOf: encoding)
            case .special(let name, let typeId):
                guard addSpecialTokens, let special = specialTokens[name] else { continue }
                for (id, token) in zip(special.ids, special.tokens) {
                    result.append(id: id, token: token, typeId: typeId, wordId: nil, offsets: 0..<0, special: true)
                }
            }
        }
        return [result]
    }
}
