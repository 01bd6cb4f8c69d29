/// The `pre_tokenizer` of a `tokenizer.json`: Hugging Face `tokenizers`' `pre_tokenizers` module.
indirect enum PreTokenizer: Sendable {
    /// How `Metaspace` puts the replacement before a piece (`prepend_scheme`).
    enum PrependScheme: String, Sendable {
        case always, first, never
    }

    /// `pre_tokenizers.BertPreTokenizer`: whitespace removed, punctuation isolated.
    case bert
    /// `pre_tokenizers.Whitespace`: `\w+|[^\w\s]+`.
    case whitespace
    /// `pre_tokenizers.WhitespaceSplit`.
    case whitespaceSplit
    /// `pre_tokenizers.ByteLevel`.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    /// `pre_tokenizers.Metaspace`.
    case metaspace(replacement: Unicode.Scalar, prependScheme: PrependScheme, split: Bool)
    /// `pre_tokenizers.Split`.
    case split(TextPattern, behavior: SplitBehavior, invert: Bool)
    /// `pre_tokenizers.Punctuation`.
    case punctuation(SplitBehavior)
    /// `pre_tokenizers.Digits`.
    case digits(individual: Bool)
    /// `pre_tokenizers.CharDelimiterSplit`.
    case delimiter(Unicode.Scalar)
    /// `pre_tokenizers.Sequence`.
    case sequence([PreTokenizer])

    init(json: JSONValue) throws {
        let type = json["type"]?.string ?? ""
        switch type {
        case "BertPreTokenizer": self = .bert
        case "Whitespace": self = .whitespace
        case "WhitespaceSplit": self = .whitespaceSplit
        case "ByteLevel":
            self = .byteLevel(addPrefixSpace: json["add_prefix_space"]?.bool ?? true, useRegex: json["use_regex"]?.bool ?? true)
        case "Metaspace":
            let replacement = try Self.scalar(json["replacement"], field: "replacement", component: "Metaspace pre-tokenizer")
            let scheme: PrependScheme
            if let name = json["prepend_scheme"]?.string {
                guard let known = PrependScheme(rawValue: name) else {
                    throw TokenizerError.invalid(component: "Metaspace pre-tokenizer", reason: "unknown prepend_scheme '\(name)'")
                }
                scheme = known
            } else {
                scheme = json["add_prefix_space"]?.bool == false ? .never : .always
            }
            self = .metaspace(replacement: replacement, prependScheme: scheme, split: json["split"]?.bool ?? true)
        case "Split":
            self = .split(
                try TextPattern(json: json["pattern"], component: "Split pre-tokenizer"),
                behavior: try Self.behavior(json["behavior"], component: "Split pre-tokenizer"),
                invert: json["invert"]?.bool ?? false
            )
        case "Punctuation":
            self = .punctuation(try Self.behavior(json["behavior"] ?? .string("Isolated"), component: "Punctuation pre-tokenizer"))
        case "Digits":
            self = .digits(individual: json["individual_digits"]?.bool ?? false)
        case "CharDelimiterSplit":
            self = .delimiter(try Self.scalar(json["delimiter"], field: "delimiter", component: "CharDelimiterSplit pre-tokenizer"))
        case "Sequence":
            guard let list = json["pretokenizers"]?.array else {
                throw TokenizerError.invalid(component: "Sequence pre-tokenizer", reason: "'pretokenizers' is missing")
            }
            self = .sequence(try list.map(PreTokenizer.init(json:)))
        default:
            throw TokenizerError.unsupported(component: "pre-tokenizer", type: type)
        }
    }

    private static func scalar(_ json: JSONValue?, field: String, component: String) throws -> Unicode.Scalar {
        guard let text = json?.string, text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
            throw TokenizerError.invalid(component: component, reason: "'\(field)' is not one character")
        }
        return scalar
    }

    private static func behavior(_ json: JSONValue?, component: String) throws -> SplitBehavior {
        guard let name = json?.string, let behavior = SplitBehavior(rawValue: name) else {
            throw TokenizerError.invalid(component: component, reason: "unknown behavior '\(json?.string ?? "")'")
        }
        return behavior
    }

    func preTokenize(_ text: inout PreTokenizedString) {
        switch self {
        case .bert:
            text.split { $0.split(.scalars(.whitespace), behavior: .removed) }
            text.split { $0.split(.scalars(.bertPunctuation), behavior: .isolated) }
        case .whitespace:
            text.split { Self.splitWords($0) }
        case .whitespaceSplit:
            text.split { $0.split(.scalars(.whitespace), behavior: .removed) }
        case .byteLevel(let addPrefixSpace, let useRegex):
            text.split { piece in
                var piece = piece
                if addPrefixSpace, piece.firstScalar != " " { piece.prepend(" ") }
                guard useRegex else { return [piece] }
                let matches = ByteLevel.gpt2Matches(in: piece.bytes)
                return matches.compactMap { piece.slice($0) }
            }
            text.normalize { $0.mapToByteLevel() }
        case .metaspace(let replacement, let scheme, let split):
            let replacementText = String(Character(replacement))
            text.split { piece in
                var piece = piece
                piece.replace(.scalars(.scalar(" ")), with: replacementText)
                let prepend = switch scheme {
                case .always: piece.firstScalar != replacement
                case .first: piece.firstScalar != replacement && piece.originalShift == 0
                case .never: false
                }
                if prepend { piece.prepend(replacementText) }
                return split ? piece.split(.scalars(.scalar(replacement)), behavior: .mergedWithNext) : [piece]
            }
        case .split(let pattern, let behavior, let invert):
            text.split { $0.split(invert ? .inverted(pattern) : pattern, behavior: behavior) }
        case .punctuation(let behavior):
            text.split { $0.split(.scalars(.bertPunctuation), behavior: behavior) }
        case .digits(let individual):
            text.split { $0.split(.scalars(.numeric), behavior: individual ? .isolated : .contiguous) }
        case .delimiter(let delimiter):
            text.split { $0.split(.scalars(.scalar(delimiter)), behavior: .removed) }
        case .sequence(let preTokenizers):
            for preTokenizer in preTokenizers { preTokenizer.preTokenize(&text) }
        }
    }

    /// `Whitespace`'s split: runs of word characters and runs of other non-space characters.
    private static func splitWords(_ piece: NormalizedString) -> [NormalizedString] {
        let scalars = piece.bytes.scalarsWithOffsets()
        var result: [NormalizedString] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index].scalar
            if scalar.isSpace { index += 1; continue }
            let word = scalar.isWordCharacter
            var end = index + 1
            while end < scalars.count, !scalars[end].scalar.isSpace, scalars[end].scalar.isWordCharacter == word { end += 1 }
            let endOffset = end < scalars.count ? scalars[end].offset : piece.bytes.count
            if let slice = piece.slice((scalars[index].offset, endOffset)) { result.append(slice) }
            index = end
        }
        return result
    }
}
