import NN
import Tensor

/// The rotary embedding module of the families whose `rope_parameters` give `rope_theta` and
/// `partial_rotary_factor` (`GPTNeoXRotaryEmbedding`, `PhiRotaryEmbedding`, `Phi3RotaryEmbedding`,
/// `FalconRotaryEmbedding`): Hugging Face's `compute_default_rope_parameters`, the `rotate_half`
/// tables over the first `int(head_size · partial_rotary_factor)` channels of each head, the rest
/// passing through. Another `rope_type` builds (a meta run needs only shapes) but computing its
/// tables is an error naming it.
final class PartialRotaryEmbedding: Module {
    /// The rotated channels per head.
    let rotaryDimension: Int
    let theta: Double
    /// `rope_type`, when not `default`.
    let unsupportedType: String?

    /// `defaultFactor` and `defaultTheta` apply when `parameters` do not say (a family's legacy
    /// keys, such as GPT-NeoX's `rotary_pct` and `rotary_emb_base`).
    init(typeName: String, headSize: Int, parameters: RopeParameters?, defaultFactor: Double = 1, defaultTheta: Double = 10_000) {
        rotaryDimension = Int(Double(headSize) * (parameters?.partialRotaryFactor ?? defaultFactor))
        theta = parameters?.ropeTheta ?? defaultTheta
        let type = parameters?.ropeType ?? parameters?.type ?? "default"
        unsupportedType = type == "default" ? nil : type
        super.init(typeName: typeName)
    }

    /// cos and sin `[length, rotaryDimension]` for positions `0..<length`.
    func callAsFunction(length: Int, meta: Bool) throws -> (cos: Tensor, sin: Tensor) {
        try scoped {
            if let unsupportedType, !meta {
                throw ModelError.invalidInput(name: "rope_parameters", detail: "rope_type \"\(unsupportedType)\" is not supported for \(typeName) (only \"default\"); only a meta (shape-only) run can use this config")
            }
            return try Tensor.rotaryTables(length: length, rotaryDim: rotaryDimension, base: theta, style: .halfRotation, meta: meta)
        }
    }
}
