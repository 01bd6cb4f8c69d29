import Tensor

/// `torch.nn.LayerNorm` over the last dimension, with weight and bias.
public final class LayerNorm: Module {
    @ParameterInfo(key: "weight") public private(set) var weight: Parameter
    @ParameterInfo(key: "bias") public private(set) var bias: Parameter?
    public let eps: Double

    public init(dimension: Int, eps: Double, bias: Bool = true) {
        self.eps = eps
        super.init(typeName: "LayerNorm")
        weight = Parameter(shape: [dimension])
        self.bias = bias ? Parameter(shape: [dimension]) : nil
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try x.layerNorm(weight: value(weight), bias: value(bias), eps: eps) }
    }
}
