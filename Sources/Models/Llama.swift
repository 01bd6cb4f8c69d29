import NN

// The LLaMA family: LLaMA (1–3), Mistral and Qwen2 share one implementation. They differ in class
// names, in which projections have biases (Qwen2: q/k/v; LLaMA: `attention_bias`, `mlp_bias`) and in
// sliding-window attention (Mistral: every layer; Qwen2: the layers `layer_types` marks). The
// routed-experts families (Mixtral, Qwen2-MoE, Qwen3-MoE) are this decoder with a sparse MoE block
// as the feed-forward module of their routed layers (RoutedExperts.swift) and, for Qwen3-MoE,
// Qwen3's per-head q/k norms.

/// A member of the LLaMA family, named by its `model_type`.
public enum LlamaVariant: String, Codable, Sendable, CaseIterable {
    case llama, mistral, qwen2, mixtral
    case qwen2Moe = "qwen2_moe"
    case qwen3Moe = "qwen3_moe"

    /// The prefix of the Hugging Face class names (`LlamaAttention`, `MistralMLP`, `Qwen2RMSNorm`).
    public var classPrefix: String {
        switch self {
        case .llama: "Llama"
        case .mistral: "Mistral"
        case .qwen2: "Qwen2"
        case .mixtral: "Mixtral"
        case .qwen2Moe: "Qwen2Moe"
        case .qwen3Moe: "Qwen3Moe"
        }
    }

    /// The routed-experts defaults of the MoE families (nil for the dense ones).
    var expertDefaults: ExpertDefaults? {
        switch self {
        case .llama, .mistral, .qwen2: nil
        case .mixtral: Mixtral.expertDefaults
        case .qwen2Moe: Qwen2Moe.expertDefaults
        case .qwen3Moe: Qwen3Moe.expertDefaults
        }
    }

    /// How the MoE families' checkpoints name the per-expert tensors.
    var expertTensorNames: ExpertTensorNames {
        self == .mixtral ? Mixtral.expertTensorNames : Qwen2Moe.expertTensorNames
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
    /// Qwen2-MoE: biases on q/k/v (`qkv_bias`, default true).
    public var qkvBias: Bool
    /// The routed experts of the MoE families (nil for the dense ones).
    public var experts: ExpertsConfiguration?

    static let configSizeKeys: ConfigSizeKeys? = .decoder

    enum FamilyKeys: String, CodingKey {
        case variant = "model_type"
        case hiddenAct = "hidden_act"
        case ropeParameters = "rope_parameters"
        case mlpBias = "mlp_bias"
        case slidingWindow = "sliding_window"
        case useSlidingWindow = "use_sliding_window"
        case maxWindowLayers = "max_window_layers"
        case qkvBias = "qkv_bias"
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
        qkvBias = try c.decode(.qkvBias, default: true)
        experts = variant.expertDefaults == nil ? nil : try ExpertsConfiguration(from: decoder)
    }

    /// The rotary decoder's checks, a positive window where one is used (Qwen2-MoE saves 0 when
    /// `use_sliding_window` is false), the experts' sizes.
    func validate(in file: ConfigFile) throws {
        try decoder.check(headSize: headSize, file: file)
        let windowUsed = [.mistral, .mixtral].contains(variant) || useSlidingWindow
        try file.require(!windowUsed || slidingWindow.map { $0 > 0 } ?? true, "sliding_window", "must be positive, got \(slidingWindow ?? 0)")
        try experts?.check(in: file)
    }

    /// `num_key_value_heads` (grouped-query attention when fewer than the attention heads); absent:
    /// one per attention head.
    var keyValueHeadCount: Int { decoder.keyValueHeads ?? decoder.headCount }

    /// `head_dim`; absent: `hidden_size / num_attention_heads`.
    var declaredHeadSize: Int? { decoder.headDimensions }

    /// Whether q/k/v have biases (Qwen2 always; LLaMA per `attention_bias`; Mistral never).
    var queryKeyValueBias: Bool {
        switch variant {
        case .llama, .qwen3Moe: decoder.attentionBias
        case .mistral, .mixtral: false
        case .qwen2: true
        case .qwen2Moe: qkvBias
        }
    }

    /// The attention window of layer `index`, or nil for full causal attention.
    func slidingWindow(layer index: Int) -> Int? {
        switch variant {
        case .llama: return nil
        case .mistral, .mixtral: return slidingWindow
        case .qwen3Moe: return useSlidingWindow ? slidingWindow : nil
        case .qwen2:
            guard useSlidingWindow, let slidingWindow else { return nil }
            let type = decoder.layerTypes?[index] ?? (index >= maxWindowLayers ? "sliding_attention" : "full_attention")
            return type == "sliding_attention" ? slidingWindow : nil
        case .qwen2Moe:
            guard useSlidingWindow, let slidingWindow else { return nil }
            let type = decoder.layerTypes?[index] ?? ((index + 1) % 2 == 1 && index < maxWindowLayers ? "sliding_attention" : "full_attention")
            return type == "sliding_attention" ? slidingWindow : nil
        }
    }

    /// The rotary frequencies `rope_scaling` (legacy, taking precedence as in transformers) or
    /// `rope_parameters` ask for.
    func rotaryFrequencies(file: ConfigFile) throws -> RotaryFrequencies {
        try decoder.rotaryFrequencies(ropeParameters, headSize: headSize, file: file)
    }

    /// The shared rotary decoder this config describes: q/k/v biases as the member has them, o
    /// biased in LLaMA and Qwen3-MoE (`attention_bias`), the MLP only in LLaMA (`mlp_bias`);
    /// Qwen3-MoE's attention is Qwen3's (per-head q/k norms), and the MoE families' routed layers
    /// have a sparse MoE block as feed-forward.
    func spec(file: ConfigFile) throws -> RotaryDecoderSpec {
        var spec = RotaryDecoderSpec(
            classPrefix: variant.classPrefix, baseModelName: variant.classPrefix + "Model", decoder: decoder,
            keyValueHeadCount: keyValueHeadCount, headSize: headSize,
            activation: hiddenAct, rmsNormEps: decoder.rmsNormEps ?? 1e-6, tieWordEmbeddings: decoder.tieWordEmbeddings ?? false,
            rotaryFrequencies: [try rotaryFrequencies(file: file)],
            layers: (0..<decoder.layerCount).map { (slidingWindow(layer: $0), 0) })
        spec.queryKeyValueBias = queryKeyValueBias
        spec.outputProjectionBias = [.llama, .qwen3Moe].contains(variant) && decoder.attentionBias
        spec.mlpBias = variant == .llama && mlpBias
        if variant == .qwen3Moe { spec.queryKeyNorm = .perHead }
        if let experts {
            let (names, expertsFirst) = (variant.expertTensorNames, variant == .qwen3Moe)
            spec.feedForward = { spec, layer -> any DecoderFeedForward in
                guard experts.isRouted(layer: layer) else { return GatedMLP(spec) }
                return SparseMoeBlock(spec, experts: experts, names: names, expertsBeforeRouter: expertsFirst)
            }
        }
        return spec
    }
}
