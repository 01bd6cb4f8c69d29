/// The `normalizer` of a `tokenizer.json`: Hugging Face `tokenizers`' `normalizers` module.
indirect enum Normalizer: Sendable {
    /// `normalizers.BertNormalizer`.
    case bert(cleanText: Bool, handleChineseChars: Bool, stripAccents: Bool?, lowercase: Bool)
    /// `normalizers.NFC`, `NFD`, `NFKC`, `NFKD`.
    case unicode(UnicodeForm)
    /// `normalizers.Lowercase`.
    case lowercase
    /// `normalizers.Strip`.
    case strip(left: Bool, right: Bool)
    /// `normalizers.StripAccents`: removes combining marks.
    case stripAccents
    /// `normalizers.Replace`.
    case replace(TextPattern, content: String)
    /// `normalizers.Prepend`.
    case prepend(String)
    /// `normalizers.Nmt`: SentencePiece's NMT control-character cleanup.
    case nmt
    /// `normalizers.Precompiled`.
    case precompiled(PrecompiledCharsmap?)
    /// `normalizers.ByteLevel`.
    case byteLevel
    /// `normalizers.Sequence`.
    case sequence([Normalizer])

    init(json: JSONValue) throws {
        let type = json["type"]?.string ?? ""
        switch type {
        case "BertNormalizer":
            self = .bert(
                cleanText: json["clean_text"]?.bool ?? true,
                handleChineseChars: json["handle_chinese_chars"]?.bool ?? true,
                stripAccents: json["strip_accents"]?.bool,
                lowercase: json["lowercase"]?.bool ?? true
            )
        case "NFC": self = .unicode(.nfc)
        case "NFD": self = .unicode(.nfd)
        case "NFKC": self = .unicode(.nfkc)
        case "NFKD": self = .unicode(.nfkd)
        case "Lowercase": self = .lowercase
        case "Strip": self = .strip(left: json["strip_left"]?.bool ?? true, right: json["strip_right"]?.bool ?? true)
        case "StripAccents": self = .stripAccents
        case "Replace":
            self = .replace(try TextPattern(json: json["pattern"], component: "Replace normalizer"), content: json["content"]?.string ?? "")
        case "Prepend":
            guard let prepend = json["prepend"]?.string else { throw TokenizerError.invalid(component: "Prepend normalizer", reason: "'prepend' is missing") }
            self = .prepend(prepend)
        case "Nmt": self = .nmt
        case "Precompiled":
            let charsmap = json["precompiled_charsmap"]?.string ?? ""
            self = .precompiled(charsmap.isEmpty ? nil : try PrecompiledCharsmap(base64: charsmap))
        case "ByteLevel": self = .byteLevel
        case "Sequence":
            guard let list = json["normalizers"]?.array else { throw TokenizerError.invalid(component: "Sequence normalizer", reason: "'normalizers' is missing") }
            self = .sequence(try list.map(Normalizer.init(json:)))
        default:
            throw TokenizerError.unsupported(component: "normalizer", type: type)
        }
    }

    func normalize(_ text: inout NormalizedString) {
        switch self {
        case .bert(let cleanText, let handleChineseChars, let stripAccents, let lowercase):
            if cleanText {
                text.filter { scalar in !(scalar.value == 0 || scalar.value == 0xFFFD || scalar.isBertControl) }
                text.map { $0.isBertWhitespace ? " " : $0 }
            }
            if handleChineseChars, text.bytes.contains(where: { $0 >= 0xE3 }) {
                text.expand { $0.isChineseCharacter ? [" ", $0, " "] : [$0] }
            }
            if stripAccents ?? lowercase {
                text.normalize(.nfd)
                text.filter { $0.properties.generalCategory != .nonspacingMark }
            }
            if lowercase { text.lowercase() }
        case .unicode(let form):
            text.normalize(form)
        case .lowercase:
            text.lowercase()
        case .strip(let left, let right):
            text.strip(left: left, right: right)
        case .stripAccents:
            text.filter { !$0.isCombiningMark }
        case .replace(let pattern, let content):
            text.replace(pattern, with: content)
        case .prepend(let prefix):
            text.prepend(prefix)
        case .nmt:
            text.filter { !$0.isNmtRemoved }
            text.map { $0.isNmtSpace ? " " : $0 }
        case .precompiled(let charsmap):
            if let charsmap { text.apply(charsmap) }
        case .byteLevel:
            text.mapToByteLevel()
        case .sequence(let normalizers):
            for normalizer in normalizers { normalizer.normalize(&text) }
        }
    }
}

extension TextPattern {
    /// A `{"String": ...}` or `{"Regex": ...}` pattern of a `tokenizer.json`.
    init(json: JSONValue?, component: String) throws {
        if let literal = json?["String"]?.string {
            self = .literal(Array(literal.utf8))
        } else if let regex = json?["Regex"]?.string {
            self = .regex(try RegexPattern(regex, component: component))
        } else {
            throw TokenizerError.invalid(component: component, reason: "'pattern' is neither {\"String\": ...} nor {\"Regex\": ...}")
        }
    }
}

extension Unicode.Scalar {
    /// `BertNormalizer`'s whitespace: tab, newline, carriage return, or Unicode `White_Space`.
    var isBertWhitespace: Bool { isSpace }

    /// `BertNormalizer`'s control: a C* general category, except tab, newline and carriage return.
    var isBertControl: Bool {
        if value == 0x09 || value == 0x0A || value == 0x0D { return false }
        switch properties.generalCategory {
        case .control, .format, .privateUse, .surrogate, .unassigned: return true
        default: return false
        }
    }

    /// The CJK ideograph blocks `BertNormalizer` surrounds with spaces.
    var isChineseCharacter: Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// A combining mark (Mn, Mc, Me).
    var isCombiningMark: Bool {
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// The control characters `Nmt` removes.
    var isNmtRemoved: Bool {
        switch value {
        case 0x01...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0x8F, 0x9F: return true
        default: return false
        }
    }

    /// The characters `Nmt` turns into a space.
    var isNmtSpace: Bool {
        switch value {
        case 0x09, 0x0A, 0x0C, 0x0D, 0x1680, 0x200B...0x200F, 0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD: return true
        default: return false
        }
    }
}
