import Tensor

/// `torch.nn.Dropout` in inference mode: the identity, recorded as a `dropout` op.
public final class Dropout: Module {
    public let probability: Double

    public init(probability: Double) {
        self.probability = probability
        super.init(typeName: "Dropout")
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try x.dropout(probability: probability) }
    }
}
