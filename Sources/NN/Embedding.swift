import Tensor

/// `torch.nn.Embedding`: a `[count, dimension]` table looked up by integer ids.
public final class Embedding: Module {
    @ParameterInfo(key: "weight") public private(set) var weight: Parameter

    public init(count: Int, dimension: Int, typeName: String = "Embedding") {
        super.init(typeName: typeName)
        weight = Parameter(shape: [count, dimension])
    }

    /// Rows of the table.
    public var count: Int { weight.shape[0] }

    public func callAsFunction(_ ids: Tensor) throws -> Tensor {
        try scoped { try value(weight).embedding(ids) }
    }
}
