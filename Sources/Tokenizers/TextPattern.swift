/// What a split or a replacement looks for: Hugging Face `tokenizers`' `Pattern` (a char predicate,
/// a literal string, a regular expression, or the inversion of one).
indirect enum TextPattern: Sendable {
    case scalars(ScalarClass)
    case literal([UInt8])
    case regex(RegexPattern)
    case inverted(TextPattern)

    /// A piece of the searched text: a match, or the text between two matches.
    struct Match {
        var start: Int
        var end: Int
        var isMatch: Bool
    }

    /// The text cut into matches and non-matches, in order, covering it (`find_matches`).
    func matches(in bytes: [UInt8]) -> [Match] {
        switch self {
        case .scalars(let scalarClass):
            return Self.matches(in: bytes, where: scalarClass.contains)
        case .literal(let literal):
            if literal.isEmpty {
                return [Match(start: 0, end: bytes.scalarsWithOffsets().count, isMatch: false)]
            }
            return Self.cut(bytes, at: Self.occurrences(of: literal, in: bytes))
        case .regex(let regex):
            return Self.cut(bytes, at: regex.matches(in: bytes))
        case .inverted(let pattern):
            return pattern.matches(in: bytes).map { Match(start: $0.start, end: $0.end, isMatch: !$0.isMatch) }
        }
    }

    private static func matches(in bytes: [UInt8], where predicate: (Unicode.Scalar) -> Bool) -> [Match] {
        if bytes.isEmpty { return [Match(start: 0, end: 0, isMatch: false)] }
        var result: [Match] = []
        var lastOffset = 0
        var index = 0
        while index < bytes.count {
            let (scalar, length) = bytes.scalar(at: index)
            if predicate(scalar) {
                if lastOffset < index { result.append(Match(start: lastOffset, end: index, isMatch: false)) }
                result.append(Match(start: index, end: index + length, isMatch: true))
                lastOffset = index + length
            }
            index += length
        }
        if bytes.count > lastOffset { result.append(Match(start: lastOffset, end: bytes.count, isMatch: false)) }
        return result
    }

    private static func occurrences(of literal: [UInt8], in bytes: [UInt8]) -> [(start: Int, end: Int)] {
        var result: [(start: Int, end: Int)] = []
        guard bytes.count >= literal.count else { return result }
        var index = 0
        let first = literal[0]
        while index <= bytes.count - literal.count {
            if bytes[index] == first, bytes[index..<index + literal.count].elementsEqual(literal) {
                result.append((index, index + literal.count))
                index += literal.count
            } else {
                index += 1
            }
        }
        return result
    }

    private static func cut(_ bytes: [UInt8], at found: [(start: Int, end: Int)]) -> [Match] {
        if bytes.isEmpty { return [Match(start: 0, end: 0, isMatch: false)] }
        var result: [Match] = []
        var previous = 0
        for (start, end) in found {
            if previous != start { result.append(Match(start: previous, end: start, isMatch: false)) }
            result.append(Match(start: start, end: end, isMatch: true))
            previous = end
        }
        if previous != bytes.count { result.append(Match(start: previous, end: bytes.count, isMatch: false)) }
        return result
    }
}

/// The scalar predicates Hugging Face's components split on.
enum ScalarClass: Sendable {
    /// Rust's `char::is_whitespace` (Unicode `White_Space`).
    case whitespace
    /// `is_bert_punc`: ASCII punctuation or a Unicode punctuation category (P*).
    case bertPunctuation
    /// Rust's `char::is_numeric` (Nd, Nl, No).
    case numeric
    /// One given scalar.
    case scalar(Unicode.Scalar)

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case .whitespace: scalar.properties.isWhitespace
        case .bertPunctuation: scalar.isBertPunctuation
        case .numeric: scalar.isNumeric
        case .scalar(let wanted): scalar == wanted
        }
    }
}

extension Unicode.Scalar {
    /// ASCII punctuation (`!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`) or a Unicode punctuation category.
    var isBertPunctuation: Bool {
        if isASCII {
            let value = value
            return (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value)
                || (0x5B...0x60).contains(value) || (0x7B...0x7E).contains(value)
        }
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// A letter (`\p{L}`).
    var isLetter: Bool {
        if isASCII { return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// A number (`\p{N}`, Rust's `char::is_numeric`).
    var isNumeric: Bool {
        if isASCII { return (0x30...0x39).contains(value) }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Whitespace (`\s`, Unicode `White_Space`).
    var isSpace: Bool {
        if isASCII { return value == 0x20 || (0x09...0x0D).contains(value) }
        return properties.isWhitespace
    }

    /// A word character of Rust's `regex` (`\w`: Alphabetic, marks, Nd, Pc, Join_Control).
    var isWordCharacter: Bool {
        if isASCII {
            return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value)
                || (0x61...0x7A).contains(value) || value == 0x5F
        }
        let properties = properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }
}
