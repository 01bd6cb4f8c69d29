import Tensor

/// RMS normalisation with a weight (LLaMA, Mistral, Qwen, OLMo 2, Gemma); `typeName` is the
/// family's class name (`LlamaRMSNorm`, ...). Gemma stores the weight as an offset from one and
/// scales by `1 + weight` (`Gemma2RMSNorm`): `weightOffset` 1.
public final class RMSNorm: Module {
    @ParameterInfo(key: "weight") public private(set) var weight: Parameter
    public let eps: Double
    /// Added to the weight before scaling (0, or 1 for Gemma's `x · (1 + weight)`).
    public let weightOffset: Float

    public init(dimension: Int, eps: Double, typeName: String, weightOffset: Float = 0) {
        self.eps = eps
        self.weightOffset = weightOffset
        super.init(typeName: typeName)
        weight = Parameter(shape: [dimension])
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let scale = weightOffset == 0 ? value(weight) : try value(weight).add(weightOffset)
            return try x.rmsNorm(weight: scale, eps: eps)
        }
    }
}
