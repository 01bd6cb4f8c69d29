import Tensor

/// `torch.nn.Linear`: `y = x·Wᵀ + b` with the weight stored `[out, in]`. Sizes come from the
/// weight, so a slimmed checkpoint with narrower weights loads into the same module. A subclass
/// that computes exactly this itself (Falcon's `FalconLinear`: `input @ weight.T + bias`) is this
/// module under its own `typeName`, recorded as the `linear` op it is.
public final class Linear: Module {
    @ParameterInfo(key: "weight") public private(set) var weight: Parameter
    @ParameterInfo(key: "bias") public private(set) var bias: Parameter?

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, typeName: String = "Linear") {
        super.init(typeName: typeName)
        weight = Parameter(shape: [outFeatures, inFeatures])
        self.bias = bias ? Parameter(shape: [outFeatures]) : nil
    }

    /// A linear layer whose weight is an existing parameter (`[out, in]`), shared rather than
    /// copied: a language-model head tied to the token embedding table holds the very same
    /// `Parameter` object, so loading one loads both (PyTorch's tied weights).
    public init(sharing weight: Parameter, bias: Parameter? = nil) {
        super.init(typeName: "Linear")
        self.weight = weight
        self.bias = bias
    }

    /// Input features (the weight's columns).
    public var inFeatures: Int { weight.shape[1] }
    /// Output features (the weight's rows).
    public var outFeatures: Int { weight.shape[0] }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try x.linear(weight: value(weight), bias: value(bias)) }
    }
}
