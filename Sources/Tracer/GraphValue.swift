import Tensor

/// A tensor flowing through a `Graph`: produced by exactly one node, identified by its index in
/// `Graph.values`. Model inputs and parameters carry their names.
public struct Value: Sendable, Codable, Hashable {
    /// Index of this value in `Graph.values` (the `traceID` stamped on the tensor).
    public var id: Int
    /// The tensor's shape when traced.
    public var shape: [Int]
    /// The tensor's element type.
    public var dtype: DType
    /// Index in `Graph.nodes` of the node that produced this value.
    public var producer: Int
    /// The input name (`input_ids`) or the dotted parameter name
    /// (`bert.embeddings.word_embeddings.weight`); nil for intermediate values.
    public var name: String?

    public init(id: Int, shape: [Int], dtype: DType, producer: Int, name: String? = nil) {
        self.id = id
        self.shape = shape
        self.dtype = dtype
        self.producer = producer
        self.name = name
    }
}
