import Tensor

/// `torch.nn.Embedding`: a `[count, dimension]` table looked up by integer ids. With `scale`, the
/// rows are multiplied by it (Gemma's `Gemma2TextScaledWordEmbedding`: `sqrt(hidden_size)`).
public final class Embedding: Module {
    @ParameterInfo(key: "weight") public private(set) var weight: Parameter
    /// What looked-up rows are multiplied by (nil: nothing).
    public let scale: Float?

    public init(count: Int, dimension: Int, typeName: String = "Embedding", scale: Float? = nil) {
        self.scale = scale
        super.init(typeName: typeName)
        weight = Parameter(shape: [count, dimension])
    }

    /// Rows of the table.
    public var count: Int { weight.shape[0] }

    public func callAsFunction(_ ids: Tensor) throws -> Tensor {
        try scoped {
            let rows = try value(weight).embedding(ids)
            return try scale.map { try rows.mul($0) } ?? rows
        }
    }
}
