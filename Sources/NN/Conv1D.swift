import Tensor

/// Hugging Face's `Conv1D` (GPT-2): a linear layer whose weight is stored `[in, out]`.
/// It records the same `linear` op as `Linear`, with `layout: inOut`.
public final class Conv1D: Module {
    @ParameterInfo(key: "weight") public private(set) var weight: Parameter
    @ParameterInfo(key: "bias") public private(set) var bias: Parameter

    /// `nf` output features from `nx` input features, as Hugging Face names them.
    public init(nf: Int, nx: Int) {
        super.init(typeName: "Conv1D")
        weight = Parameter(shape: [nx, nf])
        bias = Parameter(shape: [nf])
    }

    /// Input features (the weight's rows).
    public var inFeatures: Int { weight.shape[0] }
    /// Output features (the weight's columns).
    public var outFeatures: Int { weight.shape[1] }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try x.linear(weight: value(weight), bias: value(bias), layout: .inOut) }
    }
}
