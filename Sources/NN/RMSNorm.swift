import Tensor

/// RMS normalisation with a weight (LLaMA, Mistral, Qwen2); `typeName` is the family's class
/// name (`LlamaRMSNorm`, ...).
public final class RMSNorm: Module {
    @ParameterInfo(key: "weight") public private(set) var weight: Parameter
    public let eps: Double

    public init(dimension: Int, eps: Double, typeName: String) {
        self.eps = eps
        super.init(typeName: typeName)
        weight = Parameter(shape: [dimension])
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try x.rmsNorm(weight: value(weight), eps: eps) }
    }
}
