import NN
import Tensor

/// A Phi `config.json` (`model_type` `phi`: Phi-1, Phi-1.5, Phi-2), with `PhiConfig`'s defaults for
/// absent keys (and the top-level `partial_rotary_factor` and `rope_theta` Phi-2 checkpoints carry).
public struct PhiConfiguration: ModelConfiguration {
    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "intermediate_size", heads: .hiddenOverHeads)

    public var vocabularySize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    /// `num_key_value_heads`; absent: one per attention head.
    public var keyValueHeadCount: Int
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

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case keyValueHeadCount = "num_key_value_heads"
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
        vocabularySize = try c.decode(.vocabularySize, default: 51200)
        hiddenSize = try c.decode(.hiddenSize, default: 2048)
        intermediateSize = try c.decode(.intermediateSize, default: 8192)
        layerCount = try c.decode(.layerCount, default: 24)
        headCount = try c.decode(.headCount, default: 32)
        keyValueHeadCount = try c.decode(.keyValueHeadCount, default: headCount)
        hiddenAct = try c.decode(.hiddenAct, default: .geluNew)
        layerNormEps = try c.decode(.layerNormEps, default: 1e-5)
        residualDropout = try c.decode(.residualDropout, default: 0)
        embeddingDropout = try c.decode(.embeddingDropout, default: 0)
        ropeParameters = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        partialRotaryFactor = try RopeParameters.share(c, .partialRotaryFactor)
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta)
        qkLayernorm = try c.decode(.qkLayernorm, default: false)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, default: false)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize] }
    static let keyValueHeadCountKey = CodingKeys.keyValueHeadCount
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
