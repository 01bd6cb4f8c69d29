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

/// `config.json` of a LLaMA, Mistral or Qwen2 checkpoint. The sizes are required; everything else
/// takes Hugging Face's default when absent.
public struct LlamaConfiguration: Codable, Sendable {
    /// `model_type`.
    public var variant: LlamaVariant
    /// `vocab_size`.
    public var vocabularySize: Int
    /// `hidden_size`.
    public var hiddenSize: Int
    /// `intermediate_size` (the MLP width).
    public var intermediateSize: Int
    /// `num_hidden_layers`.
    public var layerCount: Int
    /// `num_attention_heads`.
    public var headCount: Int
    /// `num_key_value_heads`; nil means one per attention head.
    public var keyValueHeads: Int?
    /// `head_dim`; nil means `hidden_size / num_attention_heads`.
    public var headDimensions: Int?
    /// `hidden_act` (default `silu`).
    public var hiddenAct: ActivationName
    /// `rms_norm_eps` (default 1e-6).
    public var rmsNormEps: Double
    /// `max_position_embeddings` (LLaMA 3 scaling falls back to it).
    public var maxPositionEmbeddings: Int?
    /// Top-level `rope_theta` (transformers 4).
    public var ropeTheta: Double?
    /// `rope_parameters` (transformers 5).
    public var ropeParameters: RopeParameters?
    /// Legacy `rope_scaling`; takes precedence over `rope_parameters`, as in transformers.
    public var ropeScaling: RopeParameters?
    /// LLaMA only: biases on q/k/v/o.
    public var attentionBias: Bool
    /// LLaMA only: biases on the MLP projections.
    public var mlpBias: Bool
    /// `tie_word_embeddings`: `lm_head` is the embedding table (default false).
    public var tieWordEmbeddings: Bool
    /// Mistral, Qwen2: the attention window (`null`: none).
    public var slidingWindow: Int?
    /// Qwen2: whether `sliding_window` is used at all.
    public var useSlidingWindow: Bool
    /// Qwen2: layers from this index on use the window when `layer_types` is absent.
    public var maxWindowLayers: Int
    /// Qwen2: `full_attention` / `sliding_attention` per layer.
    public var layerTypes: [String]?

    enum CodingKeys: String, CodingKey {
        case variant = "model_type"
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case keyValueHeads = "num_key_value_heads"
        case headDimensions = "head_dim"
        case hiddenAct = "hidden_act"
        case rmsNormEps = "rms_norm_eps"
        case maxPositionEmbeddings = "max_position_embeddings"
        case ropeTheta = "rope_theta"
        case ropeParameters = "rope_parameters"
        case ropeScaling = "rope_scaling"
        case attentionBias = "attention_bias"
        case mlpBias = "mlp_bias"
        case tieWordEmbeddings = "tie_word_embeddings"
        case slidingWindow = "sliding_window"
        case useSlidingWindow = "use_sliding_window"
        case maxWindowLayers = "max_window_layers"
        case layerTypes = "layer_types"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        variant = try container.decode(LlamaVariant.self, forKey: .variant)
        vocabularySize = try container.decode(Int.self, forKey: .vocabularySize)
        hiddenSize = try container.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try container.decode(Int.self, forKey: .intermediateSize)
        layerCount = try container.decode(Int.self, forKey: .layerCount)
        headCount = try container.decode(Int.self, forKey: .headCount)
        keyValueHeads = try container.decodeIfPresent(Int.self, forKey: .keyValueHeads)
        headDimensions = try container.decodeIfPresent(Int.self, forKey: .headDimensions)
        hiddenAct = try container.decodeIfPresent(ActivationName.self, forKey: .hiddenAct) ?? .silu
        rmsNormEps = try container.decodeIfPresent(Double.self, forKey: .rmsNormEps) ?? 1e-6
        maxPositionEmbeddings = try container.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings)
        ropeTheta = try container.decodeIfPresent(Double.self, forKey: .ropeTheta)
        ropeParameters = try container.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        ropeScaling = try container.decodeIfPresent(RopeParameters.self, forKey: .ropeScaling)
        attentionBias = try container.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false
        mlpBias = try container.decodeIfPresent(Bool.self, forKey: .mlpBias) ?? false
        tieWordEmbeddings = try container.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
        slidingWindow = try container.decodeIfPresent(Int.self, forKey: .slidingWindow)
        useSlidingWindow = try container.decodeIfPresent(Bool.self, forKey: .useSlidingWindow) ?? false
        maxWindowLayers = try container.decodeIfPresent(Int.self, forKey: .maxWindowLayers) ?? 28
        layerTypes = try container.decodeIfPresent([String].self, forKey: .layerTypes)
    }

    /// Decodes `file` and checks that the sizes fit together, naming the offending key.
    public init(file: ConfigFile) throws {
        self = try file.decode(LlamaConfiguration.self)
        try file.requireTableSize(["vocab_size": vocabularySize])
        try file.requirePositive(["hidden_size": hiddenSize, "intermediate_size": intermediateSize,
                                  "num_attention_heads": headCount, "num_key_value_heads": keyValueHeadCount])
        try file.requireLayerCount("num_hidden_layers", layerCount)
        try file.require(headCount % keyValueHeadCount == 0, "num_key_value_heads",
                         "(\(keyValueHeadCount)) must divide num_attention_heads (\(headCount))")
        if let headDimensions {
            try file.require(headDimensions > 0 && headDimensions % 2 == 0, "head_dim", "must be positive and even (rotary pairs), got \(headDimensions)")
            try file.requirePositive(["head_dim": headDimensions])
        } else {
            try file.require(hiddenSize % headCount == 0, "hidden_size",
                             "(\(hiddenSize)) must be divisible by num_attention_heads (\(headCount)) when head_dim is absent")
            try file.require(headDim % 2 == 0, "hidden_size", "/ num_attention_heads gives an odd head size \(headDim); rotary embedding needs an even one")
        }
        try file.require(slidingWindow.map { $0 > 0 } ?? true, "sliding_window", "must be positive, got \(slidingWindow ?? 0)")
        try file.require(layerTypes.map { $0.count == layerCount } ?? true, "layer_types",
                         "has \(layerTypes?.count ?? 0) entries for \(layerCount) layers")
    }

    /// Key/value heads (grouped-query attention when fewer than the attention heads).
    public var keyValueHeadCount: Int { keyValueHeads ?? headCount }

    /// Size of one attention head.
    public var headDim: Int { headDimensions ?? hiddenSize / max(headCount, 1) }

    /// Whether q/k/v have biases (Qwen2 always; LLaMA per `attention_bias`; Mistral never).
    var queryKeyValueBias: Bool {
        switch variant {
        case .llama: attentionBias
        case .mistral: false
        case .qwen2: true
        }
    }

    /// Whether `o_proj` has a bias (LLaMA per `attention_bias`).
    var outputProjectionBias: Bool { variant == .llama && attentionBias }

    /// Whether the MLP projections have biases (LLaMA per `mlp_bias`).
    var mlpProjectionBias: Bool { variant == .llama && mlpBias }

    /// The attention window of layer `index`, or nil for full causal attention.
    func slidingWindow(layer index: Int) -> Int? {
        switch variant {
        case .llama: return nil
        case .mistral: return slidingWindow
        case .qwen2:
            guard useSlidingWindow, let slidingWindow else { return nil }
            let type = layerTypes?[index] ?? (index >= maxWindowLayers ? "sliding_attention" : "full_attention")
            return type == "sliding_attention" ? slidingWindow : nil
        }
    }

    /// The rotary frequencies `rope_scaling` (legacy, taking precedence as in transformers) or
    /// `rope_parameters` ask for.
    func rotaryFrequencies(file: ConfigFile) throws -> RotaryFrequencies {
        try RotaryFrequencies(ropeScaling ?? ropeParameters ?? RopeParameters(), key: ropeScaling != nil ? "rope_scaling" : "rope_parameters",
                              theta: ropeTheta ?? 10_000, headSize: headDim, maxPositionEmbeddings: maxPositionEmbeddings, file: file)
    }

    /// The shared rotary decoder this config describes.
    func spec(file: ConfigFile) throws -> RotaryDecoderSpec {
        RotaryDecoderSpec(
            classPrefix: variant.classPrefix, baseModelName: variant.classPrefix + "Model",
            vocabularySize: vocabularySize, hiddenSize: hiddenSize, intermediateSize: intermediateSize,
            headCount: headCount, keyValueHeadCount: keyValueHeadCount, headSize: headDim,
            activation: hiddenAct, rmsNormEps: rmsNormEps,
            queryKeyValueBias: queryKeyValueBias, outputProjectionBias: outputProjectionBias, mlpBias: mlpProjectionBias,
            attentionScaling: 1 / Double(headDim).squareRoot(), tieWordEmbeddings: tieWordEmbeddings,
            rotaryFrequencies: [try rotaryFrequencies(file: file)],
            layers: (0..<layerCount).map { (slidingWindow(layer: $0), 0) })
    }
}

/// A LLaMA-family architecture: one `model_type`, its base model and causal LM, kept under `model.`.
public protocol LlamaFamilyArchitecture: Architecture {
    /// Which member this is.
    static var variant: LlamaVariant { get }
}

extension LlamaFamilyArchitecture {
    public static var modelTypes: [String] { [variant.rawValue] }
    public static var classNames: [String] { [variant.classPrefix + "Model", variant.classPrefix + "ForCausalLM"] }
    public static func basePrefix(modelType: String) -> String { "model" }
    public static var configSizeKeys: ConfigSizeKeys? { .decoder }

    public static func build(className: String, config file: ConfigFile) throws -> any TransformerModel {
        try LlamaConfiguration(file: file).spec(file: file).build(className: className, classNames: classNames, config: file)
    }
}

/// LLaMA 1–3 (`model_type` `llama`): `LlamaModel`, `LlamaForCausalLM`.
public enum LlamaArchitecture: LlamaFamilyArchitecture {
    public static let variant = LlamaVariant.llama
}

/// Mistral (`model_type` `mistral`): `MistralModel`, `MistralForCausalLM`.
public enum MistralArchitecture: LlamaFamilyArchitecture {
    public static let variant = LlamaVariant.mistral
}

/// Qwen2 (`model_type` `qwen2`): `Qwen2Model`, `Qwen2ForCausalLM`.
public enum Qwen2Architecture: LlamaFamilyArchitecture {
    public static let variant = LlamaVariant.qwen2
}
