/// GPT-2's byte-level alphabet and pre-tokenization regex, shared by the `ByteLevel` normalizer,
/// pre-tokenizer and decoder of Hugging Face `tokenizers`.
enum ByteLevel {
    /// The printable scalar standing for each byte (`bytes_char`).
    static let scalarOfByte: [Unicode.Scalar] = {
        var printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var scalars = printable.map { Unicode.Scalar(UInt32($0))! }
        var next: UInt32 = 256
        for byte in 0..<256 where !printable.contains(byte) {
            printable.append(byte)
            scalars.append(Unicode.Scalar(next)!)
            next += 1
        }
        var result = [Unicode.Scalar](repeating: " ", count: 256)
        for (byte, scalar) in zip(printable, scalars) { result[byte] = scalar }
        return result
    }()

    /// The byte each alphabet scalar stands for (`char_bytes`), indexed by scalar value (< 324).
    static let byteOfScalar: [Int16] = {
        var result = [Int16](repeating: -1, count: 324)
        for (byte, scalar) in scalarOfByte.enumerated() { result[Int(scalar.value)] = Int16(byte) }
        return result
    }()

    /// The scalar `Ġ` that stands for a space.
    static let space = scalarOfByte[0x20]

    /// The byte a scalar stands for, nil if it is not in the alphabet.
    static func byte(of scalar: Unicode.Scalar) -> UInt8? {
        guard scalar.value < 324 else { return nil }
        let byte = byteOfScalar[Int(scalar.value)]
        return byte < 0 ? nil : UInt8(byte)
    }

    private enum Kind { case letter, number, space, other }

    /// The matches of GPT-2's regex
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    /// as byte ranges, found by a scanner over Unicode scalars with the regex's backtracking outcome.
    static func gpt2Matches(in bytes: [UInt8]) -> [(start: Int, end: Int)] {
        let scalars = bytes.scalarsWithOffsets()
        let count = scalars.count
        let kinds: [Kind] = scalars.map { element in
            let scalar = element.scalar
            if scalar.isLetter { return .letter }
            if scalar.isNumeric { return .number }
            if scalar.isSpace { return .space }
            return .other
        }
        func offset(_ index: Int) -> Int { index < count ? scalars[index].offset : bytes.count }
        var matches: [(start: Int, end: Int)] = []
        matches.reserveCapacity(count / 3 + 1)
        var index = 0
        while index < count {
            let scalar = scalars[index].scalar
            if scalar == "'", index + 1 < count {
                let first = scalars[index + 1].scalar
                var length = 0
                if first == "s" || first == "t" || first == "m" || first == "d" {
                    length = 2
                } else if index + 2 < count {
                    let second = scalars[index + 2].scalar
                    if (first == "r" && second == "e") || (first == "v" && second == "e") || (first == "l" && second == "l") {
                        length = 3
                    }
                }
                if length > 0 {
                    matches.append((offset(index), offset(index + length)))
                    index += length
                    continue
                }
            }
            var body = index
            if scalar == " ", index + 1 < count, kinds[index + 1] != .space { body = index + 1 }
            let kind = kinds[body]
            if kind != .space {
                var end = body + 1
                while end < count, kinds[end] == kind { end += 1 }
                matches.append((offset(index), offset(end)))
                index = end
                continue
            }
            var end = index + 1
            while end < count, kinds[end] == .space { end += 1 }
            if end < count, end - index >= 2 { end -= 1 }
            matches.append((offset(index), offset(end)))
            index = end
        }
        return matches
    }
}

extension NormalizedString {
    /// Replaces every byte by its byte-level alphabet scalar, all aligned with the byte's character.
    mutating func mapToByteLevel() {
        var transforms: [(Unicode.Scalar, Int)] = []
        transforms.reserveCapacity(bytes.count)
        var index = 0
        let bytes = bytes
        while index < bytes.count {
            let length = bytes.scalar(at: index).length
            for part in 0..<length { transforms.append((ByteLevel.scalarOfByte[Int(bytes[index + part])], part > 0 ? 1 : 0)) }
            index += length
        }
        transform(transforms, initialOffset: 0)
    }
}
