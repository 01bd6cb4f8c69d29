import Tensor

/// Every element type the safetensors format defines, as a header names it. The reader accepts
/// them all; only reading the values of a type the runtime cannot compute with is an error.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case f4 = "F4"
    case f6e2m3 = "F6_E2M3", f6e3m2 = "F6_E3M2"
    case u8 = "U8", i8 = "I8"
    case f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3", f8e5m2fnuz = "F8_E5M2FNUZ", f8e4m3fnuz = "F8_E4M3FNUZ", f8e8m0 = "F8_E8M0"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32"
    case c64 = "C64", f64 = "F64", i64 = "I64", u64 = "U64"

    /// Bits per element (4 and 6 for the packed sub-byte float types).
    public var bitCount: Int {
        switch self {
        case .f4: 4
        case .f6e2m3, .f6e3m2: 6
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3, .f8e5m2fnuz, .f8e4m3fnuz, .f8e8m0: 8
        case .i16, .u16, .f16, .bf16: 16
        case .i32, .u32, .f32: 32
        case .c64, .f64, .i64, .u64: 64
        }
    }

    /// The type the runtime holds the values in: the same type for F32, F16, BF16, I64, I32 and
    /// BOOL, f32 for F64 (converted when read); nil for the types it cannot compute with.
    public var runtimeType: DType? {
        switch self {
        case .f32, .f64: .f32
        case .f16: .f16
        case .bf16: .bf16
        case .i64: .i64
        case .i32: .i32
        case .bool: .bool
        default: nil
        }
    }

}
