import Tensor

/// The element type names of the safetensors format.
extension DType {
    /// The name safetensors uses for this type (`F32`, `BF16`, `I64`, `BOOL`, ...).
    public var safetensorsName: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .bf16: "BF16"
        case .i64: "I64"
        case .i32: "I32"
        case .bool: "BOOL"
        }
    }

}
