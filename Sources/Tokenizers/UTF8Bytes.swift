/// Reading and writing Unicode scalars in valid UTF-8 byte arrays: the tokenizer works on bytes, as
/// Hugging Face `tokenizers` does, so offsets and vocabulary lookups are byte-exact.
extension Array where Element == UInt8 {
    /// The scalar starting at byte `index` (a scalar boundary of valid UTF-8) and its length in bytes.
    @inline(__always)
    func scalar(at index: Int) -> (scalar: Unicode.Scalar, length: Int) {
        let lead = self[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        if lead < 0xE0 {
            let value = UInt32(lead & 0x1F) << 6 | UInt32(self[index + 1] & 0x3F)
            return (Unicode.Scalar(value)!, 2)
        }
        if lead < 0xF0 {
            let value = UInt32(lead & 0x0F) << 12 | UInt32(self[index + 1] & 0x3F) << 6 | UInt32(self[index + 2] & 0x3F)
            return (Unicode.Scalar(value)!, 3)
        }
        let value = UInt32(lead & 0x07) << 18 | UInt32(self[index + 1] & 0x3F) << 12
            | UInt32(self[index + 2] & 0x3F) << 6 | UInt32(self[index + 3] & 0x3F)
        return (Unicode.Scalar(value)!, 4)
    }

    /// Every scalar with its byte offset, in order.
    func scalarsWithOffsets(in range: Range<Int>? = nil) -> [(offset: Int, scalar: Unicode.Scalar)] {
        let range = range ?? 0..<count
        var result: [(offset: Int, scalar: Unicode.Scalar)] = []
        result.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let (scalar, length) = self.scalar(at: index)
            result.append((index, scalar))
            index += length
        }
        return result
    }

    /// Whether `index` starts a scalar (or is the end).
    func isScalarBoundary(_ index: Int) -> Bool {
        index == count || (index >= 0 && index < count && self[index] & 0xC0 != 0x80)
    }

    /// Appends the UTF-8 encoding of `scalar`.
    @inline(__always)
    mutating func appendScalar(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        switch value {
        case ..<0x80:
            append(UInt8(value))
        case ..<0x800:
            append(UInt8(0xC0 | value >> 6))
            append(UInt8(0x80 | value & 0x3F))
        case ..<0x10000:
            append(UInt8(0xE0 | value >> 12))
            append(UInt8(0x80 | value >> 6 & 0x3F))
            append(UInt8(0x80 | value & 0x3F))
        default:
            append(UInt8(0xF0 | value >> 18))
            append(UInt8(0x80 | value >> 12 & 0x3F))
            append(UInt8(0x80 | value >> 6 & 0x3F))
            append(UInt8(0x80 | value & 0x3F))
        }
    }
}

extension Unicode.Scalar {
    /// The length of this scalar in UTF-8.
    var utf8Length: Int {
        switch value {
        case ..<0x80: 1
        case ..<0x800: 2
        case ..<0x10000: 3
        default: 4
        }
    }
}

extension String {
    /// The text of valid UTF-8 bytes.
    init(utf8Bytes: some Collection<UInt8>) {
        self = String(decoding: utf8Bytes, as: UTF8.self)
    }
}
