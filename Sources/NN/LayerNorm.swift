import Tensor

/// `torch.nn.LayerNorm` over the last dimension, with weight and bias.
public final class LayerNorm: Module {
    public let weight: Parameter
    public let bias: Parameter?
    public let eps: Double

    public init(dimension: Int, eps: Double, bias: Bool = true) {
        weight = Parameter(shape: [dimension])
        self.bias = bias ? Parameter(shape: [dimension]) : nil
        self.eps = eps
        super.init(typeName: "LayerNorm")
        register(parameter: "weight", weight)
        if let b = self.bias { register(parameter: "bias", b) }
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try x.layerNorm(weight: value(weight), bias: value(bias), eps: eps) }
    }
}
