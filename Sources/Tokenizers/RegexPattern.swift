import Foundation

/// A regular expression of a `tokenizer.json` (Oniguruma syntax in Hugging Face `tokenizers`), run by
/// ICU through `NSRegularExpression`; matches are byte ranges of the UTF-8 text.
final class RegexPattern: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to use from several threads.
    private let expression: NSRegularExpression

    init(_ source: String, component: String) throws {
        do {
            expression = try NSRegularExpression(pattern: source)
        } catch {
            throw TokenizerError.invalid(component: component, reason: "regular expression '\(source)' does not compile")
        }
    }

    /// The non-overlapping matches, leftmost first, as UTF-8 byte ranges.
    func matches(in bytes: [UInt8]) -> [(start: Int, end: Int)] {
        let text = String(utf8Bytes: bytes)
        var utf16ToByte: [Int] = []
        utf16ToByte.reserveCapacity(bytes.count + 1)
        var offset = 0
        for scalar in text.unicodeScalars {
            utf16ToByte.append(offset)
            if scalar.value > 0xFFFF { utf16ToByte.append(offset) }
            offset += scalar.utf8Length
        }
        utf16ToByte.append(offset)
        let found = expression.matches(in: text, range: NSRange(location: 0, length: utf16ToByte.count - 1))
        return found.map { match in
            (utf16ToByte[match.range.location], utf16ToByte[match.range.location + match.range.length])
        }
    }
}
