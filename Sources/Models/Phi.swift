import NN
import Tensor

/// A Phi `config.json` (`model_type` `phi`: Phi-1, Phi-1.5, Phi-2), with `PhiConfig`'s defaults for
/// absent keys (and the top-level `partial_rotary_factor` and `rope_theta` Phi-2 checkpoints carry).
public struct PhiConfiguration: Codable, Sendable {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    /// `num_key_value_heads`; nil means one per attention head.
    public var keyValueHeads: Int?
    public var hiddenAct: ActivationName
    public var layerNormEps: Double
    public var residualDropout: Double
    public var embeddingDropout: Double
    public var ropeParameters: RopeParameters?
    /// Legacy top-level `partial_rotary_factor` (the rotating share of each head, when
    /// `rope_parameters` do not say; 0.5 by default).
    public var partialRotaryFactor: Double?
    /// Legacy top-level `rope_theta`.
    public var ropeTheta: Double?
    /// A LayerNorm over each query and key head (`q_layernorm`, `k_layernorm`).
    public var qkLayernorm: Bool
    public var tieWordEmbeddings: Bool

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case keyValueHeads = "num_key_value_heads"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case residualDropout = "resid_pdrop"
        case embeddingDropout = "embd_pdrop"
        case ropeParameters = "rope_parameters"
        case partialRotaryFactor = "partial_rotary_factor"
        case ropeTheta = "rope_theta"
        case qkLayernorm = "qk_layernorm"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decodeIfPresent(Int.self, forKey: .vocabularySize) ?? 51200
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? 2048
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? 8192
        layerCount = try c.decodeIfPresent(Int.self, forKey: .layerCount) ?? 24
        headCount = try c.decodeIfPresent(Int.self, forKey: .headCount) ?? 32
        keyValueHeads = try c.decodeIfPresent(Int.self, forKey: .keyValueHeads)
        hiddenAct = try c.decodeIfPresent(ActivationName.self, forKey: .hiddenAct) ?? .geluNew
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? 1e-5
        residualDropout = try c.decodeIfPresent(Double.self, forKey: .residualDropout) ?? 0
        embeddingDropout = try c.decodeIfPresent(Double.self, forKey: .embeddingDropout) ?? 0
        ropeParameters = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        partialRotaryFactor = try c.decodeIfPresent(Double.self, forKey: .partialRotaryFactor)
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta)
        qkLayernorm = try c.decodeIfPresent(Bool.self, forKey: .qkLayernorm) ?? false
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
    }

    /// Key/value heads (grouped-query attention when fewer than the attention heads).
    public var keyValueHeadCount: Int { keyValueHeads ?? headCount }
    /// Size of one attention head.
    public var headSize: Int { hiddenSize / max(headCount, 1) }

    /// Decodes `file` and checks the values the modules rely on.
    static func read(_ file: ConfigFile) throws -> PhiConfiguration {
        let config = try file.decode(PhiConfiguration.self)
        try file.requireTableSize(["vocab_size": config.vocabularySize])
        try file.requirePositive(["hidden_size": config.hiddenSize, "intermediate_size": config.intermediateSize,
                                  "num_attention_heads": config.headCount, "num_key_value_heads": config.keyValueHeadCount])
        try file.requireLayerCount("num_hidden_layers", config.layerCount)
        try file.requireDivisible("hidden_size", config.hiddenSize, by: "num_attention_heads", config.headCount)
        try file.requireDivisible("num_attention_heads", config.headCount, by: "num_key_value_heads", config.keyValueHeadCount)
        return config
    }
}

/// `PhiAttention`: causal self-attention over separate `q_proj`, `k_proj`, `v_proj` (with biases)
/// and the output projection `dense`; rotary positions on the first `partial_rotary_factor` of
/// each query and key head, after the optional per-head `q_layernorm` and `k_layernorm`. Head
/// counts come from the projections' sizes, so a checkpoint with heads removed still runs.
final class PhiAttention: Module {
    let headSize: Int
    let scaling: Float
    @ModuleInfo(key: "q_proj") var qProj: Linear
    @ModuleInfo(key: "k_proj") var kProj: Linear
    @ModuleInfo(key: "v_proj") var vProj: Linear
    @ModuleInfo(key: "dense") var dense: Linear
    @ModuleInfo(key: "q_layernorm") var qLayernorm: LayerNorm?
    @ModuleInfo(key: "k_layernorm") var kLayernorm: LayerNorm?

    init(_ config: PhiConfiguration) {
        headSize = config.headSize
        scaling = Float(1 / Double(config.headSize).squareRoot())
        super.init(typeName: "PhiAttention")
        let queryWidth = config.headCount * headSize, keyValueWidth = config.keyValueHeadCount * headSize
        qProj = Linear(inFeatures: config.hiddenSize, outFeatures: queryWidth)
        kProj = Linear(inFeatures: config.hiddenSize, outFeatures: keyValueWidth)
        vProj = Linear(inFeatures: config.hiddenSize, outFeatures: keyValueWidth)
        dense = Linear(inFeatures: queryWidth, outFeatures: config.hiddenSize)
        qLayernorm = config.qkLayernorm ? LayerNorm(dimension: headSize, eps: config.layerNormEps) : nil
        kLayernorm = config.qkLayernorm ? LayerNorm(dimension: headSize, eps: config.layerNormEps) : nil
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let (batch, length) = (x.shape[0], x.shape[1])
            func heads(_ projection: Linear, _ norm: LayerNorm?) throws -> Tensor {
                let states = try projection(x).view([batch, length, -1, headSize]).transpose(1, 2)
                return try norm.map { try $0(states) } ?? states
            }
            let query = try heads(qProj, qLayernorm).rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation)
            let key = try heads(kProj, kLayernorm).rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation)
            let context = try DecoderOnly.attention(query: query, key: key, value: heads(vProj, nil), mask: mask, scaling: scaling)
            return try dense(context)
        }
    }
}

/// `PhiDecoderLayer`: attention and MLP side by side on one LayerNorm's output,
/// `x + attn(ln(x)) + mlp(ln(x))`.
final class PhiDecoderLayer: Module {
    @ModuleInfo(key: "self_attn") var selfAttn: PhiAttention
    @ModuleInfo(key: "mlp") var mlp: GPTMLP<Linear>
    @ModuleInfo(key: "input_layernorm") var inputLayernorm: LayerNorm
    @ModuleInfo(key: "resid_dropout") var residDropout: Dropout

    init(_ config: PhiConfiguration) {
        super.init(typeName: "PhiDecoderLayer")
        selfAttn = PhiAttention(config)
        mlp = GPTMLP(typeName: "PhiMLP",
                     in: ("fc1", Linear(inFeatures: config.hiddenSize, outFeatures: config.intermediateSize)),
                     out: ("fc2", Linear(inFeatures: config.intermediateSize, outFeatures: config.hiddenSize)),
                     activation: ("activation_fn", Activation(config.hiddenAct)), dropout: nil, order: .activationFirst)
        inputLayernorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        residDropout = Dropout(probability: config.residualDropout)
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let normalised = try inputLayernorm(x)
            let attended = try residDropout(selfAttn(normalised, rotary: rotary, mask: mask))
            return try attended + residDropout(mlp(normalised)) + x
        }
    }
}

/// `PhiModel`: token embedding, the layers, the rotary tables, the embedding dropout and
/// `final_layernorm`; returns `last_hidden_state`.
public final class PhiModel: Module, DecoderOnlyModel {
    @ModuleInfo(key: "embed_tokens") var embedTokens: Embedding
    @ModuleInfo(key: "layers") var layers: ModuleList<PhiDecoderLayer>
    @ModuleInfo(key: "rotary_emb") var rotaryEmb: PartialRotaryEmbedding
    @ModuleInfo(key: "embed_dropout") var embedDropout: Dropout
    @ModuleInfo(key: "final_layernorm") var finalLayernorm: LayerNorm

    init(_ config: PhiConfiguration) {
        super.init(typeName: "PhiModel")
        embedTokens = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        layers = ModuleList((0..<config.layerCount).map { _ in PhiDecoderLayer(config) })
        rotaryEmb = PartialRotaryEmbedding(typeName: "PhiRotaryEmbedding", headSize: config.headSize, parameters: config.ropeParameters,
                                           defaultFactor: config.partialRotaryFactor ?? 0.5, defaultTheta: config.ropeTheta ?? 10_000)
        embedDropout = Dropout(probability: config.embeddingDropout)
        finalLayernorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let length = inputIds.shape[1], meta = inputIds.isMeta
            var hidden = try embedDropout(embedTokens(inputIds))
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: meta)
            let rotary = try rotaryEmb(length: length, meta: meta)
            for layer in layers.items { hidden = try layer(hidden, rotary: rotary, mask: mask) }
            return try finalLayernorm(hidden)
        }
    }
}

/// `PhiForCausalLM`: `PhiModel` and an `lm_head` with a bias, its weight tied to `embed_tokens`
/// when `tie_word_embeddings` is true. Returns logits `[batch, length, vocab]`.
public final class PhiForCausalLM: Module, DecoderOnlyModel {
    @ModuleInfo(key: "model") var model: PhiModel
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ config: PhiConfiguration) {
        super.init(typeName: "PhiForCausalLM")
        model = PhiModel(config)
        lmHead = .languageModelHead(over: model.embedTokens, tied: config.tieWordEmbeddings, bias: true)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped { try lmHead(model(inputIds: inputIds, attentionMask: attentionMask)) }
    }
}

/// Microsoft's Phi (`model_type` `phi`): `PhiModel` and `PhiForCausalLM`, as Hugging Face's
/// `modeling_phi.py` builds and runs them: attention and MLP in parallel, partial rotary
/// positions, an output projection named `dense`, `final_layernorm`.
public enum PhiFamily: Architecture {
    public static let modelTypes = ["phi"]
    public static let classNames = ["PhiModel", "PhiForCausalLM"]

    public static func basePrefix(modelType: String) -> String { "model" }

    public static func build(className: String, config file: ConfigFile) throws -> any TransformerModel {
        let config = try PhiConfiguration.read(file)
        switch className {
        case "PhiModel": return PhiModel(config)
        case "PhiForCausalLM": return PhiForCausalLM(config)
        default: throw ModelError.unsupportedArchitecture(className, modelType: file.modelType, supported: classNames)
        }
    }
}
