/// The original byte range a normalized byte comes from, relative to its piece's original text.
typealias Alignment = (start: Int, end: Int)

/// A piece of text in normalized form, with for every normalized UTF-8 byte the original byte range
/// it comes from: Hugging Face `tokenizers`' `NormalizedString`, ported operation by operation so
/// that offsets come out as Hugging Face gives them.
struct NormalizedString {
    /// The normalized text, UTF-8.
    private(set) var bytes: [UInt8]
    /// One alignment per normalized byte.
    private(set) var alignments: [Alignment]
    /// Where this piece's original text starts in the whole original text, in bytes.
    let originalShift: Int
    /// The length of this piece's original text, in bytes.
    let originalLength: Int

    init(_ text: String) {
        bytes = Array(text.utf8)
        var alignments: [Alignment] = []
        alignments.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let length = bytes.scalar(at: index).length
            for _ in 0..<length { alignments.append((index, index + length)) }
            index += length
        }
        self.alignments = alignments
        originalShift = 0
        originalLength = bytes.count
    }

    private init(bytes: [UInt8], alignments: [Alignment], originalShift: Int, originalLength: Int) {
        self.bytes = bytes
        self.alignments = alignments
        self.originalShift = originalShift
        self.originalLength = originalLength
    }

    var isEmpty: Bool { bytes.isEmpty }

    var text: String { String(utf8Bytes: bytes) }

    /// The first scalar of the normalized text.
    var firstScalar: Unicode.Scalar? { bytes.isEmpty ? nil : bytes.scalar(at: 0).scalar }

    /// The original range of a normalized byte range (`convert_offsets(Range::Normalized)`).
    func originalRange(of range: (start: Int, end: Int)) -> (start: Int, end: Int)? {
        if range.start == range.end { return range }
        guard range.start < range.end, range.end <= alignments.count else { return nil }
        return (alignments[range.start].start, alignments[range.end - 1].end)
    }

    /// The normalized range of an original byte range (`convert_offsets(Range::Original)`).
    func normalizedRange(ofOriginal target: (start: Int, end: Int)) -> (start: Int, end: Int)? {
        if target.start == target.end { return target }
        guard target.start < target.end else { return nil }
        var start: Int?
        var end: Int?
        for (index, alignment) in alignments.enumerated() {
            guard target.end >= alignment.end else { break }
            if start == nil, target.start <= alignment.start, alignment.start != alignment.end { start = index }
            end = index + 1
        }
        switch (start, end) {
        case (let s?, nil): return (s, s)
        case (nil, let e?): return (e, e)
        case (let s?, let e?): return (s, e)
        default: return nil
        }
    }

    /// The piece of a normalized byte range, on scalar boundaries (`slice(Range::Normalized)`).
    func slice(_ range: (start: Int, end: Int)) -> NormalizedString? {
        guard range.start <= range.end, bytes.isScalarBoundary(range.start), bytes.isScalarBoundary(range.end),
              let original = originalRange(of: range) else { return nil }
        let shift = original.start
        return NormalizedString(
            bytes: Array(bytes[range.start..<range.end]),
            alignments: alignments[range.start..<range.end].map { ($0.start - shift, $0.end - shift) },
            originalShift: originalShift + original.start,
            originalLength: max(0, original.end - original.start)
        )
    }

    private func alignment(at index: Int) -> Alignment {
        index >= 0 && index < alignments.count ? alignments[index] : (0, 0)
    }

    /// Replaces the normalized byte range with `destination`: each scalar with its change (0 replaces
    /// one scalar, +1 is inserted, -n replaces one and removes n more), after skipping
    /// `initialOffset` scalars (`transform_range`).
    mutating func transform(range: Range<Int>, _ destination: [(Unicode.Scalar, Int)], initialOffset: Int) {
        let replaced = bytes.scalarsWithOffsets(in: range)
        var next = 0
        var offset = range.lowerBound
        while next < min(initialOffset, replaced.count) {
            offset += replaced[next].scalar.utf8Length
            next += 1
        }
        var newBytes: [UInt8] = []
        var newAlignments: [Alignment] = []
        newBytes.reserveCapacity(range.count)
        newAlignments.reserveCapacity(range.count)
        for (scalar, change) in destination {
            let align: Alignment = change > 0 ? (offset < 1 ? (0, 0) : alignment(at: offset - 1)) : alignment(at: offset)
            if change <= 0, next < replaced.count {
                offset += replaced[next].scalar.utf8Length
                next += 1
            }
            if change < 0 {
                for _ in 0..<(-change) where next < replaced.count {
                    offset += replaced[next].scalar.utf8Length
                    next += 1
                }
            }
            for _ in 0..<scalar.utf8Length { newAlignments.append(align) }
            newBytes.appendScalar(scalar)
        }
        alignments.replaceSubrange(range, with: newAlignments)
        bytes.replaceSubrange(range, with: newBytes)
    }

    /// `transform` over the whole text (`transform(dest, initial_offset)`).
    mutating func transform(_ destination: [(Unicode.Scalar, Int)], initialOffset: Int) {
        guard let range = normalizedRange(ofOriginal: (0, originalLength)) else { return }
        transform(range: range.start..<range.end, destination, initialOffset: initialOffset)
    }

    /// Keeps the scalars for which `keep` holds (`filter`).
    mutating func filter(_ keep: (Unicode.Scalar) -> Bool) {
        var removed = 0
        var removedStart = 0
        var transforms: [(Unicode.Scalar, Int)] = []
        transforms.reserveCapacity(bytes.count)
        var last: Unicode.Scalar?
        for (_, scalar) in bytes.scalarsWithOffsets() {
            if keep(scalar) {
                if let last {
                    transforms.append((last, -removed))
                } else {
                    removedStart = removed
                }
                last = scalar
                removed = 0
            } else {
                removed += 1
            }
        }
        if let last { transforms.append((last, -removed)) }
        transform(transforms, initialOffset: removedStart)
    }

    /// Replaces every scalar by `map(scalar)` (`map`).
    mutating func map(_ map: (Unicode.Scalar) -> Unicode.Scalar) {
        transform(bytes.scalarsWithOffsets().map { (map($0.scalar), 0) }, initialOffset: 0)
    }

    /// Replaces every scalar by a sequence of scalars, the first replacing it and the rest inserted.
    mutating func expand(_ expansion: (Unicode.Scalar) -> [Unicode.Scalar]) {
        var transforms: [(Unicode.Scalar, Int)] = []
        transforms.reserveCapacity(bytes.count)
        for (_, scalar) in bytes.scalarsWithOffsets() {
            for (index, new) in expansion(scalar).enumerated() { transforms.append((new, index > 0 ? 1 : 0)) }
        }
        transform(transforms, initialOffset: 0)
    }

    /// Lowercases each scalar with its full Unicode lowercase mapping (`lowercase`).
    mutating func lowercase() {
        guard bytes.contains(where: { $0 >= 0x80 || (0x41...0x5A).contains($0) }) else { return }
        expand { scalar in
            if scalar.isASCII {
                return [(0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 32)! : scalar]
            }
            return Array(scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }

    /// Puts `text` before the first scalar, aligned with it (`prepend`).
    mutating func prepend(_ text: String) {
        guard let first = firstScalar else { return }
        var transforms = text.unicodeScalars.enumerated().map { ($0.element, $0.offset != 0 ? 1 : 0) }
        transforms.append((first, 1))
        transform(range: 0..<first.utf8Length, transforms, initialOffset: 0)
    }

    /// Replaces every match of `pattern` by `content`, aligned with the match's last byte (`replace`).
    mutating func replace(_ pattern: TextPattern, with content: String) {
        let contentBytes = Array(content.utf8)
        var newBytes: [UInt8] = []
        var newAlignments: [Alignment] = []
        newBytes.reserveCapacity(bytes.count)
        newAlignments.reserveCapacity(bytes.count)
        var lastEnd = 0
        for match in pattern.matches(in: bytes) where match.isMatch {
            newBytes.append(contentsOf: bytes[lastEnd..<match.start])
            newAlignments.append(contentsOf: alignments[lastEnd..<match.start])
            let align: Alignment = match.end < 1 ? (0, 0) : alignment(at: match.end - 1)
            newBytes.append(contentsOf: contentBytes)
            newAlignments.append(contentsOf: repeatElement(align, count: contentBytes.count))
            lastEnd = match.end
        }
        guard lastEnd > 0 || !newBytes.isEmpty else { return }
        newBytes.append(contentsOf: bytes[lastEnd...])
        newAlignments.append(contentsOf: alignments[lastEnd...])
        bytes = newBytes
        alignments = newAlignments
    }

    /// Removes leading and/or trailing whitespace (`lrstrip`, including its char/byte count quirk).
    mutating func strip(left: Bool, right: Bool) {
        let scalars = bytes.scalarsWithOffsets()
        let leading = left ? scalars.prefix(while: { $0.scalar.properties.isWhitespace }).count : 0
        let trailing = right ? scalars.reversed().prefix(while: { $0.scalar.properties.isWhitespace }).count : 0
        guard leading > 0 || trailing > 0 else { return }
        var transforms: [(Unicode.Scalar, Int)] = []
        for (index, element) in scalars.enumerated() where index >= leading && index < scalars.count - trailing {
            transforms.append((element.scalar, index == bytes.count - trailing - 1 ? -trailing : 0))
        }
        transform(transforms, initialOffset: leading)
    }

    /// Splits on the matches of `pattern` with a delimiter behaviour (`split`); empty pieces are kept.
    func split(_ pattern: TextPattern, behavior: SplitBehavior) -> [NormalizedString] {
        let matches = pattern.matches(in: bytes)
        var pieces: [(start: Int, end: Int)] = []
        pieces.reserveCapacity(matches.count)
        switch behavior {
        case .isolated:
            pieces = matches.map { ($0.start, $0.end) }
        case .removed:
            pieces = matches.filter { !$0.isMatch }.map { ($0.start, $0.end) }
        case .contiguous:
            var previousMatch = false
            for match in matches {
                if match.isMatch == previousMatch, !pieces.isEmpty {
                    pieces[pieces.count - 1].end = match.end
                } else {
                    pieces.append((match.start, match.end))
                }
                previousMatch = match.isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for match in matches {
                if match.isMatch, !previousMatch, !pieces.isEmpty {
                    pieces[pieces.count - 1].end = match.end
                } else {
                    pieces.append((match.start, match.end))
                }
                previousMatch = match.isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for match in matches.reversed() {
                if match.isMatch, !previousMatch, !pieces.isEmpty {
                    pieces[pieces.count - 1].start = match.start
                } else {
                    pieces.append((match.start, match.end))
                }
                previousMatch = match.isMatch
            }
            pieces.reverse()
        }
        return pieces.compactMap { slice($0) }
    }
}

/// What happens to the delimiter when splitting: Hugging Face `tokenizers`' `SplitDelimiterBehavior`.
public enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"
}
