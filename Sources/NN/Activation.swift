import Foundation
import Tensor

/// An activation module, named by its Hugging Face class (`GELUActivation`, `NewGELUActivation`,
/// `SiLUActivation`, `ReLU`, `Tanh`), computing one activation op.
public final class Activation: Module {
    /// The function an activation module computes.
    public enum Function: Sendable {
        case gelu, geluTanh, silu, relu, tanh, sigmoid
    }

    public let function: Function

    public init(_ function: Function, typeName: String) {
        self.function = function
        super.init(typeName: typeName)
    }

    /// A fresh module for a config's activation (Hugging Face's `ACT2FN[name]`).
    public convenience init(_ name: ActivationName) {
        self.init(name.function, typeName: name.typeName)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try function(x) }
    }
}

extension Activation.Function {
    /// The activation op on `x`, without a module (Hugging Face calling `ACT2FN[name](x)` in a
    /// forward, as DeBERTa's `ContextPooler` does).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        switch self {
        case .gelu: try x.gelu()
        case .geluTanh: try x.gelu(approximate: .tanh)
        case .silu: try x.silu()
        case .relu: try x.relu()
        case .tanh: try x.tanh()
        case .sigmoid: try x.sigmoid()
        }
    }
}
