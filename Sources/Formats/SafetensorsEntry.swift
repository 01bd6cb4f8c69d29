import Tensor

/// What a safetensors header says about one tensor: its name, element type, shape and where its
/// bytes lie.
public struct SafetensorsEntry: Sendable, Equatable {
    /// The tensor's name (a dotted parameter path such as `encoder.layer.0.output.dense.weight`).
    public let name: String
    /// The element type as stored (any type of the format; see `SafetensorsDType.runtimeType`).
    public let dtype: SafetensorsDType
    /// Size of each dimension (`[]` for a scalar).
    public let shape: [Int]
    /// The header's `data_offsets`: the tensor's bytes, relative to the start of the data section
    /// (which begins right after the 8-byte length and the JSON header).
    public let byteRange: Range<Int>

    /// Creates an entry (the reader validates the values before it makes one).
    public init(name: String, dtype: SafetensorsDType, shape: [Int], byteRange: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
    }
}
