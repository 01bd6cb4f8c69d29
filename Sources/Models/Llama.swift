import NN

// The LLaMA family: LLaMA (1–3), Mistral and Qwen2 share one implementation. They differ in class
// names, in which projections have biases (Qwen2: q/k/v; LLaMA: `attention_bias`, `mlp_bias`) and in
// sliding-window attention (Mistral: every layer; Qwen2: the layers `layer_types` marks).

/// A member of the LLaMA family, named by its `model_type`.
public enum LlamaVariant: String, Codable, Sendable, CaseIterable {
    case llama, mistral, qwen2

    /// The prefix of the Hugging Face class names (`LlamaAttention`, `MistralMLP`, `Qwen2RMSNorm`).
    public var classPrefix: String {
        switch self {
        case .llama: "Llama"
        case .mistral: "Mistral"
        case .qwen2: "Qwen2"
        }
    }
}

/// `config.json` of a LLaMA, Mistral or Qwen2 checkpoint: the shared rotary decoder keys, with
/// their defaults, and the family's own.
public struct LlamaConfiguration: RotaryDecoderFamilyConfiguration {
    /// `model_type`.
    public var variant: LlamaVariant
    /// The keys the rotary decoder families share.
    public var decoder: RotaryDecoderConfiguration
    /// `hidden_act` (default `silu`).
    public var hiddenAct: ActivationName
    /// `rope_parameters` (transformers 5).
    public var ropeParameters: RopeParameters?
    /// LLaMA only: biases on the MLP projections.
    public var mlpBias: Bool
    /// Mistral, Qwen2: the attention window (`null`: none).
    public var slidingWindow: Int?
    /// Qwen2: whether `sliding_window` is used at all.
    public var useSlidingWindow: Bool
    /// Qwen2: layers from this index on use the window when `layer_types` is absent.
    public var maxWindowLayers: Int

    static let configSizeKeys: ConfigSizeKeys? = .decoder

    enum FamilyKeys: String, CodingKey {
        case variant = "model_type"
        case hiddenAct = "hidden_act"
        case ropeParameters = "rope_parameters"
        case mlpBias = "mlp_bias"
        case slidingWindow = "sliding_window"
        case useSlidingWindow = "use_sliding_window"
        case maxWindowLayers = "max_window_layers"
    }

    public init(from decoder: Decoder) throws {
        self.decoder = try RotaryDecoderConfiguration(from: decoder)
        let c = try decoder.container(keyedBy: FamilyKeys.self)
        variant = try c.decode(LlamaVariant.self, forKey: .variant)
        hiddenAct = try c.decode(.hiddenAct, default: .silu)
        ropeParameters = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        mlpBias = try c.decode(.mlpBias, default: false)
        slidingWindow = try c.decodeIfPresent(Int.self, forKey: .slidingWindow)
        useSlidingWindow = try c.decode(.useSlidingWindow, default: false)
        maxWindowLayers = try c.decode(.maxWindowLayers, default: 28)
    }

    /// The rotary decoder's checks, a positive window.
    func validate(in file: ConfigFile) throws {
        try decoder.check(headSize: headSize, file: file)
        try file.require(slidingWindow.map { $0 > 0 } ?? true, "sliding_window", "must be positive, got \(slidingWindow ?? 0)")
    }

    /// `num_key_value_heads` (grouped-query attention when fewer than the attention heads); absent:
    /// one per attention head.
    var keyValueHeadCount: Int { decoder.keyValueHeads ?? decoder.headCount }

    /// `head_dim`; absent: `hidden_size / num_attention_heads`.
    var declaredHeadSize: Int? { decoder.headDimensions }

    /// Whether q/k/v have biases (Qwen2 always; LLaMA per `attention_bias`; Mistral never).
    var queryKeyValueBias: Bool {
        switch variant {
        case .llama: decoder.attentionBias
        case .mistral: false
        case .qwen2: true
        }
    }

    /// The attention window of layer `index`, or nil for full causal attention.
    func slidingWindow(layer index: Int) -> Int? {
        switch variant {
        case .llama: return nil
        case .mistral: return slidingWindow
        case .qwen2:
            guard useSlidingWindow, let slidingWindow else { return nil }
            let type = decoder.layerTypes?[index] ?? (index >= maxWindowLayers ? "sliding_attention" : "full_attention")
            return type == "sliding_attention" ? slidingWindow : nil
        }
    }

    /// The rotary frequencies `rope_scaling` (legacy, taking precedence as in transformers) or
    /// `rope_parameters` ask for.
    func rotaryFrequencies(file: ConfigFile) throws -> RotaryFrequencies {
        try decoder.rotaryFrequencies(ropeParameters, headSize: headSize, file: file)
    }

    /// The shared rotary decoder this config describes: q/k/v biases as the member has them, o and
    /// the MLP biased only in LLaMA (`attention_bias`, `mlp_bias`).
    func spec(file: ConfigFile) throws -> RotaryDecoderSpec {
        var spec = RotaryDecoderSpec(
            classPrefix: variant.classPrefix, baseModelName: variant.classPrefix + "Model", decoder: decoder,
            keyValueHeadCount: keyValueHeadCount, headSize: headSize,
            activation: hiddenAct, rmsNormEps: decoder.rmsNormEps ?? 1e-6, tieWordEmbeddings: decoder.tieWordEmbeddings ?? false,
            rotaryFrequencies: [try rotaryFrequencies(file: file)],
            layers: (0..<decoder.layerCount).map { (slidingWindow(layer: $0), 0) })
        spec.queryKeyValueBias = queryKeyValueBias
        spec.outputProjectionBias = variant == .llama && decoder.attentionBias
        spec.mlpBias = variant == .llama && mlpBias
        return spec
    }
}
