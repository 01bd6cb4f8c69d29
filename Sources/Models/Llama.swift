import Foundation
import NN
import Tensor

// The LLaMA family: LLaMA (1–3), Mistral and Qwen2 share one implementation. They differ in class
// names, in which projections have biases (Qwen2: q/k/v; LLaMA: `attention_bias`, `mlp_bias`) and in
// sliding-window attention (Mistral: every layer; Qwen2: the layers `layer_types` marks). The
// routed-experts families (Mixtral, Qwen2-MoE, Qwen3-MoE) are this decoder with a sparse MoE block
// as the MLP (RoutedExperts.swift) and, for Qwen3-MoE, per-head q/k RMSNorm.

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
        case .mixtral: MixtralArchitecture.expertDefaults
        case .qwen2Moe: Qwen2MoeArchitecture.expertDefaults
        case .qwen3Moe: Qwen3MoeArchitecture.expertDefaults
        }
    }

    /// How the MoE families' checkpoints name the per-expert tensors.
    var expertTensorNames: ExpertTensorNames {
        self == .mixtral ? MixtralArchitecture.expertTensorNames : Qwen2MoeArchitecture.expertTensorNames
    }
}

/// `rope_parameters` (transformers 5) or the legacy `rope_scaling` object (transformers 4).
public struct LlamaRopeParameters: Codable, Sendable {
    /// `rope_type`: `default`, `linear`, `llama3`, ... (legacy configs say `type`).
    public var ropeType: String?
    /// The legacy spelling of `rope_type`.
    public var type: String?
    /// `rope_theta`, when given here rather than at the top level.
    public var ropeTheta: Double?
    /// `factor` (linear and LLaMA 3 scaling).
    public var factor: Double?
    /// `low_freq_factor` (LLaMA 3).
    public var lowFreqFactor: Double?
    /// `high_freq_factor` (LLaMA 3).
    public var highFreqFactor: Double?
    /// `original_max_position_embeddings` (LLaMA 3; defaults to `max_position_embeddings`).
    public var originalMaxPositionEmbeddings: Int?

    enum CodingKeys: String, CodingKey {
        case ropeType = "rope_type"
        case type
        case ropeTheta = "rope_theta"
        case factor
        case lowFreqFactor = "low_freq_factor"
        case highFreqFactor = "high_freq_factor"
        case originalMaxPositionEmbeddings = "original_max_position_embeddings"
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
    public var ropeParameters: LlamaRopeParameters?
    /// Legacy `rope_scaling`; takes precedence over `rope_parameters`, as in transformers.
    public var ropeScaling: LlamaRopeParameters?
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
    /// Qwen2-MoE: biases on q/k/v (`qkv_bias`, default true).
    public var qkvBias: Bool
    /// The routed experts of the MoE families (nil for the dense ones).
    public var experts: ExpertsConfiguration?

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
        case qkvBias = "qkv_bias"
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
        ropeParameters = try container.decodeIfPresent(LlamaRopeParameters.self, forKey: .ropeParameters)
        ropeScaling = try container.decodeIfPresent(LlamaRopeParameters.self, forKey: .ropeScaling)
        attentionBias = try container.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false
        mlpBias = try container.decodeIfPresent(Bool.self, forKey: .mlpBias) ?? false
        tieWordEmbeddings = try container.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
        slidingWindow = try container.decodeIfPresent(Int.self, forKey: .slidingWindow)
        useSlidingWindow = try container.decodeIfPresent(Bool.self, forKey: .useSlidingWindow) ?? false
        maxWindowLayers = try container.decodeIfPresent(Int.self, forKey: .maxWindowLayers) ?? 28
        layerTypes = try container.decodeIfPresent([String].self, forKey: .layerTypes)
        qkvBias = try container.decodeIfPresent(Bool.self, forKey: .qkvBias) ?? true
        experts = variant.expertDefaults == nil ? nil : try ExpertsConfiguration(from: decoder)
    }

    /// Decodes `file` and checks that the sizes fit together, naming the offending key.
    public init(file: ConfigFile) throws {
        self = try file.decode(LlamaConfiguration.self)
        try file.requirePositive(["vocab_size": vocabularySize, "hidden_size": hiddenSize, "intermediate_size": intermediateSize,
                                  "num_attention_heads": headCount, "num_key_value_heads": keyValueHeadCount])
        try file.requireNotNegative("num_hidden_layers", layerCount)
        try file.require(headCount % keyValueHeadCount == 0, "num_key_value_heads",
                         "(\(keyValueHeadCount)) must divide num_attention_heads (\(headCount))")
        if let headDimensions {
            try file.require(headDimensions > 0 && headDimensions % 2 == 0, "head_dim", "must be positive and even (rotary pairs), got \(headDimensions)")
        } else {
            try file.require(hiddenSize % headCount == 0, "hidden_size",
                             "(\(hiddenSize)) must be divisible by num_attention_heads (\(headCount)) when head_dim is absent")
            try file.require(headDim % 2 == 0, "hidden_size", "/ num_attention_heads gives an odd head size \(headDim); rotary embedding needs an even one")
        }
        // Qwen2-MoE saves 0 when `use_sliding_window` is false; a window only counts when it is used.
        let windowUsed = [.mistral, .mixtral].contains(variant) || useSlidingWindow
        try file.require(!windowUsed || slidingWindow.map { $0 > 0 } ?? true, "sliding_window", "must be positive, got \(slidingWindow ?? 0)")
        try file.require(layerTypes.map { $0.count == layerCount } ?? true, "layer_types",
                         "has \(layerTypes?.count ?? 0) entries for \(layerCount) layers")
        try experts?.check(in: file)
    }

    /// Key/value heads (grouped-query attention when fewer than the attention heads).
    public var keyValueHeadCount: Int { keyValueHeads ?? headCount }

    /// Size of one attention head.
    public var headDim: Int { headDimensions ?? hiddenSize / max(headCount, 1) }

    /// Whether q/k/v have biases (Qwen2 always; LLaMA per `attention_bias`; Mistral never).
    var queryKeyValueBias: Bool {
        switch variant {
        case .llama, .qwen3Moe: attentionBias
        case .mistral, .mixtral: false
        case .qwen2: true
        case .qwen2Moe: qkvBias
        }
    }

    /// Whether `o_proj` has a bias (LLaMA and Qwen3-MoE per `attention_bias`).
    var outputProjectionBias: Bool { (variant == .llama || variant == .qwen3Moe) && attentionBias }

    /// Whether the MLP projections have biases (LLaMA per `mlp_bias`).
    var mlpProjectionBias: Bool { variant == .llama && mlpBias }

    /// The attention window of layer `index`, or nil for full causal attention.
    func slidingWindow(layer index: Int) -> Int? {
        switch variant {
        case .llama: return nil
        case .mistral, .mixtral: return slidingWindow
        case .qwen3Moe: return useSlidingWindow ? slidingWindow : nil
        case .qwen2:
            guard useSlidingWindow, let slidingWindow else { return nil }
            let type = layerTypes?[index] ?? (index >= maxWindowLayers ? "sliding_attention" : "full_attention")
            return type == "sliding_attention" ? slidingWindow : nil
        case .qwen2Moe:
            guard useSlidingWindow, let slidingWindow else { return nil }
            let type = layerTypes?[index] ?? ((index + 1) % 2 == 1 && index < maxWindowLayers ? "sliding_attention" : "full_attention")
            return type == "sliding_attention" ? slidingWindow : nil
        }
    }

    /// The Hugging Face class name of a family module (`suffix` `Attention` gives `Qwen2Attention`).
    func typeName(_ suffix: String) -> String { variant.classPrefix + suffix }
}

/// The rotary inverse frequencies a config asks for (`rope_parameters`, or `rope_theta` and
/// `rope_scaling`), as Hugging Face's `ROPE_INIT_FUNCTIONS` compute them: `default`, `linear` and
/// `llama3` are supported. Another type is accepted, so that meta (shape-only) runs work, but its
/// frequencies are an error that a real forward pass throws.
struct LlamaRotaryFrequencies {
    /// One frequency per rotated pair (`head_dim / 2`), or why they cannot be computed.
    let inverseFrequencies: Result<[Double], ModelError>

    static let supportedTypes = ["default", "linear", "llama3"]

    init(config: LlamaConfiguration, file: ConfigFile) throws {
        let parameters = config.ropeScaling ?? config.ropeParameters ?? LlamaRopeParameters()
        let type = parameters.ropeType ?? parameters.type ?? "default"
        inverseFrequencies = try Self.frequencies(type: type, parameters: parameters, config: config, file: file)
    }

    private static func frequencies(type: String, parameters: LlamaRopeParameters, config: LlamaConfiguration,
                                     file: ConfigFile) throws -> Result<[Double], ModelError> {
        let key = config.ropeScaling != nil ? "rope_scaling" : "rope_parameters"
        let theta = parameters.ropeTheta ?? config.ropeTheta ?? 10_000
        let dimension = config.headDim
        let base = stride(from: 0, to: dimension, by: 2).map { 1 / Foundation.pow(theta, Double($0) / Double(dimension)) }
        func required<T>(_ value: T?, _ name: String) throws -> T {
            guard let value else { throw ModelError.invalidConfig(path: file.url.path, detail: "\"\(key).\(name)\" is required for rope type \"\(type)\"") }
            return value
        }
        switch type {
        case "default":
            return .success(base)
        case "linear":
            let factor = try required(parameters.factor, "factor")
            return .success(base.map { $0 / factor })
        case "llama3":
            let factor = try required(parameters.factor, "factor")
            let low = try required(parameters.lowFreqFactor, "low_freq_factor")
            let high = try required(parameters.highFreqFactor, "high_freq_factor")
            let context = Double(try required(parameters.originalMaxPositionEmbeddings ?? config.maxPositionEmbeddings, "original_max_position_embeddings"))
            try file.require(high > low, "\(key).high_freq_factor", "(\(high)) must exceed low_freq_factor (\(low))")
            return .success(base.map { frequency in
                let wavelength = 2 * Double.pi / frequency
                if wavelength < context / high { return frequency }
                if wavelength > context / low { return frequency / factor }
                let smooth = (context / wavelength - low) / (high - low)
                return (1 - smooth) * frequency / factor + smooth * frequency
            })
        default:
            return .failure(.invalidConfig(path: file.url.path, detail:
                "rope_scaling type \"\(type)\" is not supported for computing (supported: \(supportedTypes.joined(separator: ", "))); only a meta (shape-only) run can use this config"))
        }
    }
}

/// Rotary position embedding tables (`LlamaRotaryEmbedding`, ...): cos and sin for positions `0..<S`.
final class LlamaRotaryEmbedding: Module {
    let frequencies: LlamaRotaryFrequencies
    let headDim: Int

    init(_ config: LlamaConfiguration, frequencies: LlamaRotaryFrequencies) {
        self.frequencies = frequencies
        headDim = config.headDim
        super.init(typeName: config.typeName("RotaryEmbedding"))
    }

    /// The tables for the positions of `x` `[batch, length, hidden]`. A meta run needs only their
    /// shapes, so an unsupported rope type fails only when the tables must hold values.
    func callAsFunction(_ x: Tensor) throws -> (cos: Tensor, sin: Tensor) {
        try scoped {
            let values: [Double]
            switch frequencies.inverseFrequencies {
            case let .success(computed): values = computed
            case let .failure(error):
                guard x.isMeta else { throw error }
                values = Array(repeating: 0, count: headDim / 2)
            }
            return try Tensor.rotaryTables(length: x.shape[1], inverseFrequencies: values, style: .halfRotation, meta: x.isMeta)
        }
    }
}

/// A decoder layer's MLP: a dense `LlamaMLP` or a routed `SparseMoeBlock`.
protocol DecoderFeedForward: Module {
    /// `x` `[batch, length, hidden]` to the same shape.
    func callAsFunction(_ x: Tensor) throws -> Tensor
}

/// The gated feed-forward block (`LlamaMLP`, `Qwen2MoeMLP` as a dense layer or shared expert, ...):
/// `down(act(gate(x)) · up(x))`.
final class LlamaMLP: Module, DecoderFeedForward {
    @ModuleInfo(key: "gate_proj") var gateProj: Linear
    @ModuleInfo(key: "up_proj") var upProj: Linear
    @ModuleInfo(key: "down_proj") var downProj: Linear
    @ModuleInfo(key: "act_fn") var actFn: Activation

    /// `intermediateSize`: the width (default `intermediate_size`; a Qwen2-MoE shared expert's own).
    init(_ config: LlamaConfiguration, intermediateSize: Int? = nil) {
        super.init(typeName: config.typeName("MLP"))
        let bias = config.mlpProjectionBias, width = intermediateSize ?? config.intermediateSize
        gateProj = Linear(inFeatures: config.hiddenSize, outFeatures: width, bias: bias)
        upProj = Linear(inFeatures: config.hiddenSize, outFeatures: width, bias: bias)
        downProj = Linear(inFeatures: width, outFeatures: config.hiddenSize, bias: bias)
        actFn = Activation(config.hiddenAct)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let gate = try actFn(gateProj(x))
            return try downProj(gate * upProj(x))
        }
    }
}

/// Causal self-attention with rotary positions and grouped key/value heads (`LlamaAttention`, ...),
/// computed by `DecoderOnly.attention`. Head counts come from the projections' sizes, so a
/// checkpoint with heads removed still runs. Qwen3-MoE normalises each query and key head
/// (`q_norm`, `k_norm`, RMSNorm over `head_dim`) before the rotation.
final class LlamaAttention: Module {
    let headDim: Int
    let scaling: Float
    @ModuleInfo(key: "q_proj") var qProj: Linear
    @ModuleInfo(key: "k_proj") var kProj: Linear
    @ModuleInfo(key: "v_proj") var vProj: Linear
    @ModuleInfo(key: "o_proj") var oProj: Linear
    @ModuleInfo(key: "q_norm") var qNorm: RMSNorm?
    @ModuleInfo(key: "k_norm") var kNorm: RMSNorm?

    init(_ config: LlamaConfiguration) {
        headDim = config.headDim
        scaling = Float(1 / Double(config.headDim).squareRoot())
        super.init(typeName: config.typeName("Attention"))
        let qkvBias = config.queryKeyValueBias
        qProj = Linear(inFeatures: config.hiddenSize, outFeatures: config.headCount * headDim, bias: qkvBias)
        kProj = Linear(inFeatures: config.hiddenSize, outFeatures: config.keyValueHeadCount * headDim, bias: qkvBias)
        vProj = Linear(inFeatures: config.hiddenSize, outFeatures: config.keyValueHeadCount * headDim, bias: qkvBias)
        oProj = Linear(inFeatures: config.headCount * headDim, outFeatures: config.hiddenSize, bias: config.outputProjectionBias)
        let headNorms = config.variant == .qwen3Moe
        qNorm = headNorms ? RMSNorm(dimension: headDim, eps: config.rmsNormEps, typeName: config.typeName("RMSNorm")) : nil
        kNorm = headNorms ? RMSNorm(dimension: headDim, eps: config.rmsNormEps, typeName: config.typeName("RMSNorm")) : nil
    }

    /// `x` `[batch, length, hidden]`; `window` as `DecoderOnly.attention` takes it.
    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask, window: Tensor?) throws -> Tensor {
        try scoped {
            let batch = x.shape[0], length = x.shape[1]
            func heads(_ projected: Tensor, norm: RMSNorm? = nil) throws -> Tensor {
                let split = try projected.view([batch, length, -1, headDim])
                return try (norm.map { try $0(split) } ?? split).transpose(1, 2)
            }
            let query = try heads(qProj(x), norm: qNorm), key = try heads(kProj(x), norm: kNorm), value = try heads(vProj(x))
            let context = try DecoderOnly.attention(query: query.rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation),
                                                    key: key.rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation),
                                                    value: value, mask: mask, scaling: scaling, window: window)
            return try oProj(context)
        }
    }
}

/// One transformer block (`LlamaDecoderLayer`, ...): pre-norm attention and MLP, each with a residual.
final class LlamaDecoderLayer: Module {
    /// The attention window of this layer (nil: full causal attention).
    let slidingWindow: Int?
    @ModuleInfo(key: "self_attn") var selfAttn: LlamaAttention
    @ModuleInfo(key: "mlp") var mlp: Module
    /// `mlp` as what it computes: a dense `LlamaMLP`, or a routed `SparseMoeBlock` in the layers of
    /// the MoE families that route (`ExpertsConfiguration.isRouted`).
    private let feedForward: any DecoderFeedForward
    @ModuleInfo(key: "input_layernorm") var inputLayernorm: RMSNorm
    @ModuleInfo(key: "post_attention_layernorm") var postAttentionLayernorm: RMSNorm

    init(_ config: LlamaConfiguration, index: Int) {
        slidingWindow = config.slidingWindow(layer: index)
        if let experts = config.experts, experts.isRouted(layer: index) {
            feedForward = SparseMoeBlock(config, experts: experts, names: config.variant.expertTensorNames)
        } else {
            feedForward = LlamaMLP(config)
        }
        super.init(typeName: config.typeName("DecoderLayer"))
        selfAttn = LlamaAttention(config)
        mlp = feedForward
        inputLayernorm = RMSNorm(dimension: config.hiddenSize, eps: config.rmsNormEps, typeName: config.typeName("RMSNorm"))
        postAttentionLayernorm = RMSNorm(dimension: config.hiddenSize, eps: config.rmsNormEps, typeName: config.typeName("RMSNorm"))
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask, window: Tensor?) throws -> Tensor {
        try scoped {
            let attended = try x + selfAttn(inputLayernorm(x), rotary: rotary, mask: mask, window: window)
            return try attended + feedForward(postAttentionLayernorm(attended))
        }
    }
}

/// The base model (`LlamaModel`, `MistralModel`, `Qwen2Model`): token embedding, decoder layers,
/// final norm; returns `last_hidden_state` `[batch, length, hidden]`.
public final class LlamaModel: Module, DecoderOnlyModel {
    @ModuleInfo(key: "embed_tokens") var embedTokens: Embedding
    @ModuleInfo(key: "layers") var layers: ModuleList<LlamaDecoderLayer>
    @ModuleInfo(key: "norm") var norm: RMSNorm
    @ModuleInfo(key: "rotary_emb") var rotaryEmb: LlamaRotaryEmbedding

    init(_ config: LlamaConfiguration, frequencies: LlamaRotaryFrequencies) {
        super.init(typeName: config.typeName("Model"))
        embedTokens = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        layers = ModuleList((0..<config.layerCount).map { LlamaDecoderLayer(config, index: $0) })
        norm = RMSNorm(dimension: config.hiddenSize, eps: config.rmsNormEps, typeName: config.typeName("RMSNorm"))
        rotaryEmb = LlamaRotaryEmbedding(config, frequencies: frequencies)
    }

    /// The last hidden state for token ids `[batch, length]` and an optional `[batch, length]`
    /// attention mask (1 = token, 0 = padding; absent = no padding). Positions are `0..<length`.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            var hidden = try embedTokens(inputIds)
            let length = inputIds.shape[1], meta = hidden.isMeta
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: meta)
            var windowMasks: [Int: Tensor] = [:]
            for window in Set(layers.items.compactMap(\.slidingWindow)).sorted() where length > window {
                windowMasks[window] = try Tensor.slidingWindowMask(queryLength: length, keyLength: length, window: window, meta: meta)
            }
            let rotary = try rotaryEmb(hidden)
            for layer in layers.items {
                hidden = try layer(hidden, rotary: rotary, mask: mask, window: layer.slidingWindow.flatMap { windowMasks[$0] })
            }
            return try norm(hidden)
        }
    }
}

/// The causal language model (`LlamaForCausalLM`, ...): the base model and `lm_head`, tied to the
/// embedding table when `tie_word_embeddings` is true. Returns logits `[batch, length, vocab]`.
public final class LlamaForCausalLM: Module, DecoderOnlyModel {
    @ModuleInfo(key: "model") var model: LlamaModel
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ config: LlamaConfiguration, frequencies: LlamaRotaryFrequencies) {
        super.init(typeName: config.typeName("ForCausalLM"))
        model = LlamaModel(config, frequencies: frequencies)
        lmHead = .languageModelHead(over: model.embedTokens, tied: config.tieWordEmbeddings)
    }

    /// Logits `[batch, length, vocab]`.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped { try lmHead(model(inputIds: inputIds, attentionMask: attentionMask)) }
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

    public static func build(className: String, config file: ConfigFile) throws -> any TransformerModel {
        let config = try LlamaConfiguration(file: file)
        let frequencies = try LlamaRotaryFrequencies(config: config, file: file)
        switch className {
        case classNames[0]: return LlamaModel(config, frequencies: frequencies)
        case classNames[1]: return LlamaForCausalLM(config, frequencies: frequencies)
        default: throw ModelError.unsupportedArchitecture(className, modelType: file.modelType, supported: classNames)
        }
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
