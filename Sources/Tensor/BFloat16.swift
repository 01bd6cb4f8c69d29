/// Conversion between f32 and bfloat16 bit patterns (the top 16 bits of an f32, rounded to nearest even).
enum BFloat16 {
    @inline(__always)
    static func bits(from value: Float) -> UInt16 {
        let raw = value.bitPattern
        if value.isNaN { return UInt16(raw >> 16) | 0x40 }
        let rounding = ((raw >> 16) & 1) &+ 0x7FFF
        return UInt16((raw &+ rounding) >> 16)
    }

    @inline(__always)
    static func float(from bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
