/// The `post_processor` of a `tokenizer.json`: Hugging Face `tokenizers`' `processors` module, which
/// adds the special tokens, sets the type ids and trims byte-level offsets.
indirect enum PostProcessor: Sendable {
    /// `processors.TemplateProcessing`.
    case template(TemplateProcessing)
    /// `processors.BertProcessing`: `[CLS] A [SEP]`, `[CLS] A [SEP] B [SEP]` with B's type id 1.
    case bert(sep: (token: String, id: Int), cls: (token: String, id: Int))
    /// `processors.RobertaProcessing`: `<s> A </s>`, `<s> A </s> </s> B </s>`, every type id 0.
    case roberta(sep: (token: String, id: Int), cls: (token: String, id: Int), trimOffsets: Bool, addPrefixSpace: Bool)
    /// `processors.ByteLevel`: trims the offsets of byte-level tokens.
    case byteLevel(trimOffsets: Bool, addPrefixSpace: Bool)
    /// `processors.Sequence`.
    case sequence([PostProcessor])

    init(json: JSONValue) throws {
        let type = json["type"]?.string ?? ""
        switch type {
        case "TemplateProcessing":
            self = .template(try TemplateProcessing(json: json))
        case "BertProcessing":
            self = .bert(sep: try Self.pair(json["sep"], type), cls: try Self.pair(json["cls"], type))
        case "RobertaProcessing":
            self = .roberta(
                sep: try Self.pair(json["sep"], type), cls: try Self.pair(json["cls"], type),
                trimOffsets: json["trim_offsets"]?.bool ?? true, addPrefixSpace: json["add_prefix_space"]?.bool ?? true
            )
        case "ByteLevel":
            self = .byteLevel(trimOffsets: json["trim_offsets"]?.bool ?? true, addPrefixSpace: json["add_prefix_space"]?.bool ?? true)
        case "Sequence":
            guard let list = json["processors"]?.array else {
                throw TokenizerError.invalid(component: "Sequence post-processor", reason: "'processors' is missing")
            }
            self = .sequence(try list.map(PostProcessor.init(json:)))
        default:
            throw TokenizerError.unsupported(component: "post-processor", type: type)
        }
    }

    /// A `["token", id]` field.
    private static func pair(_ json: JSONValue?, _ type: String) throws -> (token: String, id: Int) {
        guard let list = json?.array, list.count == 2, let token = list[0].string, let id = list[1].int else {
            throw TokenizerError.invalid(component: type, reason: "'sep' and 'cls' must be [token, id]")
        }
        return (token, id)
    }

    /// How many special tokens are added to a single text or a pair (`added_tokens`).
    func addedTokens(pair: Bool) -> Int {
        switch self {
        case .template(let template): template.addedTokens(pair: pair)
        case .bert, .roberta: pair ? (self.isRoberta ? 4 : 3) : 2
        case .byteLevel: 0
        case .sequence(let processors): processors.reduce(0) { $0 + $1.addedTokens(pair: pair) }
        }
    }

    private var isRoberta: Bool {
        if case .roberta = self { return true }
        return false
    }

    /// Processes the encoding of a text or of a pair (`process_encodings`).
    func process(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        switch self {
        case .template(let template):
            return template.apply(encodings, addSpecialTokens: addSpecialTokens)
        case .bert(let sep, let cls):
            guard addSpecialTokens else { return encodings }
            return encodings.enumerated().map { index, encoding in
                Self.surround(encoding, before: index == 0 ? [cls] : [], after: [sep], typeId: index)
            }
        case .roberta(let sep, let cls, let trimOffsets, let addPrefixSpace):
            var encodings = encodings
            for index in encodings.indices {
                if trimOffsets { Self.trimByteLevelOffsets(&encodings[index], addPrefixSpace: addPrefixSpace) }
                encodings[index].setTypeIds(0)
            }
            guard addSpecialTokens else { return encodings }
            return encodings.enumerated().map { index, encoding in
                Self.surround(encoding, before: index == 0 ? [cls] : [sep], after: [sep], typeId: 0)
            }
        case .byteLevel(let trimOffsets, let addPrefixSpace):
            guard trimOffsets else { return encodings }
            return encodings.map { encoding in
                var encoding = encoding
                Self.trimByteLevelOffsets(&encoding, addPrefixSpace: addPrefixSpace)
                return encoding
            }
        case .sequence(let processors):
            return processors.reduce(encodings) { $1.process($0, addSpecialTokens: addSpecialTokens) }
        }
    }

    private static func surround(_ encoding: Encoding, before: [(token: String, id: Int)], after: [(token: String, id: Int)], typeId: Int) -> Encoding {
        var result = Encoding()
        for special in before { result.append(id: special.id, token: special.token, typeId: typeId, wordId: nil, offsets: 0..<0, special: true) }
        result.append(contentsOf: encoding)
        for special in after { result.append(id: special.id, token: special.token, typeId: typeId, wordId: nil, offsets: 0..<0, special: true) }
        return result
    }

    /// Moves offsets past the leading and trailing spaces of byte-level tokens, keeping a first
    /// token's single added prefix space (`process_offsets`).
    static func trimByteLevelOffsets(_ encoding: inout Encoding, addPrefixSpace: Bool) {
        encoding.mapOffsets { index, token, offsets in
            let scalars = Array(token.unicodeScalars)
            let isSpace = { (scalar: Unicode.Scalar) in scalar == ByteLevel.space || scalar.properties.isWhitespace }
            var leading = scalars.prefix(while: isSpace).count
            let trailing = scalars.reversed().prefix(while: isSpace).count
            guard leading > 0 || trailing > 0 else { return offsets }
            var (start, end) = (offsets.lowerBound, offsets.upperBound)
            if leading > 0 {
                if (index == 0 || start == 0) && addPrefixSpace && leading == 1 { leading = 0 }
                start = min(start + leading, end)
            }
            if trailing > 0, end >= trailing { end = max(end - trailing, start) }
            return start..<end
        }
    }
}
