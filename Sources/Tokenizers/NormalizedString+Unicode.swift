import Foundation

/// A Unicode normalization form.
enum UnicodeForm: Sendable {
    case nfc, nfd, nfkc, nfkd

    var composes: Bool { self == .nfc || self == .nfkc }
    var compatibility: Bool { self == .nfkc || self == .nfkd }
}

extension NormalizedString {
    /// Normalizes to `form` with the alignments Hugging Face gets from `unicode-normalization-alignments`:
    /// a decomposed scalar's first part replaces it and the rest are inserted; canonical reordering
    /// carries each part's change along; a composition folds the second scalar's change into the first
    /// and removes it.
    mutating func normalize(_ form: UnicodeForm) {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return }
        var cache: [Unicode.Scalar: [Unicode.Scalar]] = [:]
        var decomposed: [(scalar: Unicode.Scalar, change: Int)] = []
        decomposed.reserveCapacity(bytes.count)
        for (_, scalar) in bytes.scalarsWithOffsets() {
            let parts: [Unicode.Scalar]
            if scalar.isASCII {
                parts = [scalar]
            } else if let cached = cache[scalar] {
                parts = cached
            } else {
                let text = String(Character(scalar))
                let mapped = form.compatibility ? text.decomposedStringWithCompatibilityMapping : text.decomposedStringWithCanonicalMapping
                parts = Array(mapped.unicodeScalars)
                cache[scalar] = parts
            }
            for (index, part) in parts.enumerated() { decomposed.append((part, index > 0 ? 1 : 0)) }
        }
        Self.reorderCanonically(&decomposed)
        let result = form.composes ? Self.compose(decomposed) : decomposed
        transform(result.map { ($0.scalar, $0.change) }, initialOffset: 0)
    }

    /// Stable-sorts every run of non-starters by canonical combining class.
    private static func reorderCanonically(_ scalars: inout [(scalar: Unicode.Scalar, change: Int)]) {
        var start = 0
        while start < scalars.count {
            guard scalars[start].scalar.combiningClass != 0 else { start += 1; continue }
            var end = start
            while end < scalars.count, scalars[end].scalar.combiningClass != 0 { end += 1 }
            if end - start > 1 {
                let sorted = scalars[start..<end].enumerated().sorted {
                    let (left, right) = ($0.element.scalar.combiningClass, $1.element.scalar.combiningClass)
                    return left != right ? left < right : $0.offset < $1.offset
                }
                scalars.replaceSubrange(start..<end, with: sorted.map(\.element))
            }
            start = end
        }
    }

    /// Canonical composition of a decomposed, reordered sequence.
    private static func compose(_ scalars: [(scalar: Unicode.Scalar, change: Int)]) -> [(scalar: Unicode.Scalar, change: Int)] {
        var result: [(scalar: Unicode.Scalar, change: Int)] = []
        result.reserveCapacity(scalars.count)
        var starter: Int?
        var lastClass: UInt8?
        var pairCache: [UInt64: Unicode.Scalar?] = [:]
        for element in scalars {
            let combiningClass = element.scalar.combiningClass
            if let starterIndex = starter {
                let blocked = lastClass.map { $0 >= combiningClass || $0 == 0 } ?? false
                let previous = result[starterIndex].scalar
                if !blocked, !(previous.isASCII && element.scalar.isASCII) {
                    let key = UInt64(previous.value) << 32 | UInt64(element.scalar.value)
                    let composite: Unicode.Scalar?
                    if let hangul = Self.composeHangul(previous, element.scalar) {
                        composite = hangul
                    } else if let cached = pairCache[key] {
                        composite = cached
                    } else {
                        let text = String(String.UnicodeScalarView([previous, element.scalar])).precomposedStringWithCanonicalMapping
                        let composed = Array(text.unicodeScalars)
                        composite = composed.count == 1 ? composed[0] : nil
                        pairCache[key] = composite
                    }
                    if let composite {
                        result[starterIndex].scalar = composite
                        result[starterIndex].change += element.change - 1
                        continue
                    }
                }
            }
            result.append(element)
            if combiningClass == 0 {
                starter = result.count - 1
                lastClass = nil
            } else {
                lastClass = combiningClass
            }
        }
        return result
    }
}

extension NormalizedString {
    /// The algorithmic composition of Hangul jamo: a leading consonant and a vowel, or an LV
    /// syllable and a trailing consonant.
    fileprivate static func composeHangul(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Unicode.Scalar? {
        let (a, b) = (first.value, second.value)
        if (0x1100...0x1112).contains(a), (0x1161...0x1175).contains(b) {
            return Unicode.Scalar(0xAC00 + ((a - 0x1100) * 21 + (b - 0x1161)) * 28)
        }
        if (0xAC00...0xD7A3).contains(a), (a - 0xAC00) % 28 == 0, (0x11A8...0x11C2).contains(b) {
            return Unicode.Scalar(a + (b - 0x11A7))
        }
        return nil
    }
}

extension Unicode.Scalar {
    /// The canonical combining class (0 for starters).
    var combiningClass: UInt8 {
        isASCII ? 0 : UInt8(properties.canonicalCombiningClass.rawValue)
    }
}
