/// The element types a `Tensor` can hold.
///
/// `f32` is the compute type: every arithmetic op works in f32 and converts f16/bf16 inputs once.
/// The others exist for storage (checkpoints) and inputs (token ids, masks).
public enum DType: String, Sendable, Codable, CaseIterable {
    case f32, f16, bf16, i64, i32, bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16: 2
        case .i64: 8
        case .bool: 1
        }
    }

    /// True for the floating-point types.
    public var isFloatingPoint: Bool {
        switch self {
        case .f32, .f16, .bf16: true
        case .i64, .i32, .bool: false
        }
    }

    /// The type a user names on the command line (`float32`, `int64`, `f16`, `bool`, ...).
    public init?(userName name: String) {
        switch name.lowercased() {
        case "f32", "float32", "float": self = .f32
        case "f16", "float16", "half": self = .f16
        case "bf16", "bfloat16": self = .bf16
        case "i64", "int64", "long": self = .i64
        case "i32", "int32", "int": self = .i32
        case "bool": self = .bool
        default: return nil
        }
    }
}
