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

    /// The module Hugging Face's `ACT2FN[name]` builds for a config's `hidden_act` /
    /// `activation_function`, or nil for a name slimtrace does not support.
    public static func huggingFace(_ name: String) -> Activation? {
        switch name {
        case "gelu": Activation(.gelu, typeName: "GELUActivation")
        case "gelu_new": Activation(.geluTanh, typeName: "NewGELUActivation")
        case "gelu_pytorch_tanh": Activation(.geluTanh, typeName: "PytorchGELUTanh")
        case "silu", "swish": Activation(.silu, typeName: "SiLUActivation")
        case "relu": Activation(.relu, typeName: "ReLU")
        case "tanh": Activation(.tanh, typeName: "Tanh")
        case "sigmoid": Activation(.sigmoid, typeName: "Sigmoid")
        default: nil
        }
    }

    /// The `hidden_act` names `huggingFace(_:)` accepts, for error messages.
    public static let supportedHuggingFaceNames = ["gelu", "gelu_new", "gelu_pytorch_tanh", "silu", "swish", "relu", "tanh", "sigmoid"]

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            switch function {
            case .gelu: try x.gelu()
            case .geluTanh: try x.gelu(approximate: .tanh)
            case .silu: try x.silu()
            case .relu: try x.relu()
            case .tanh: try x.tanh()
            case .sigmoid: try x.sigmoid()
            }
        }
    }
}
