import NN
import Tensor

// Microsoft's Phi-3 (`model_type` `phi3`): `Phi3Model` and `Phi3ForCausalLM`, as Hugging Face's
// `modeling_phi3.py` builds and runs them. A LLaMA-style decoder whose q, k and v come from one
// fused `qkv_proj` (`[q | k | v]`, grouped key/value heads) and whose gate and up projections are
// one fused `gate_up_proj`, chunked in two.

/// A Phi-3 `config.json`, with `Phi3Config`'s defaults for absent keys.
public struct Phi3Configuration: ModelConfiguration {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    /// `num_key_value_heads`; absent: one per attention head.
    public var keyValueHeadCount: Int
    /// `head_dim`; absent: `hidden_size / num_attention_heads`.
    public var declaredHeadSize: Int?
    public var hiddenAct: ActivationName
    public var rmsNormEps: Double
    public var residualDropout: Double
    public var ropeParameters: RopeParameters?
    /// The attention window of every layer (`null`: none).
    public var slidingWindow: Int?
    public var tieWordEmbeddings: Bool

    static let configSizeKeys: ConfigSizeKeys? = .decoder

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case keyValueHeadCount = "num_key_value_heads"
        case declaredHeadSize = "head_dim"
        case hiddenAct = "hidden_act"
        case rmsNormEps = "rms_norm_eps"
        case residualDropout = "resid_pdrop"
        case ropeParameters = "rope_parameters"
        case slidingWindow = "sliding_window"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 32064)
        hiddenSize = try c.decode(.hiddenSize, default: 3072)
        intermediateSize = try c.decode(.intermediateSize, default: 8192)
        layerCount = try c.decode(.layerCount, default: 32)
        headCount = try c.decode(.headCount, default: 32)
        keyValueHeadCount = try c.decode(.keyValueHeadCount, default: headCount)
        declaredHeadSize = try c.decodeIfPresent(Int.self, forKey: .declaredHeadSize)
        hiddenAct = try c.decode(.hiddenAct, default: .silu)
        rmsNormEps = try c.decode(.rmsNormEps, default: 1e-5)
        residualDropout = try c.decode(.residualDropout, default: 0)
        ropeParameters = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        slidingWindow = try c.decodeIfPresent(Int.self, forKey: .slidingWindow)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, default: false)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize] }
    static let keyValueHeadCountKey = CodingKeys.keyValueHeadCount
    static let headSizeKey = CodingKeys.declaredHeadSize

    /// A positive window.
    func validate(in file: ConfigFile) throws {
        try file.require(slidingWindow.map { $0 > 0 } ?? true, "sliding_window", "must be positive, got \(slidingWindow ?? 0)")
    }
}

/// `Phi3MLP`: `down(up · act(gate))`, gate and up the two halves of `gate_up_proj`'s output.
final class Phi3MLP: Module {
    @ModuleInfo(key: "gate_up_proj") var gateUpProj: Linear
    @ModuleInfo(key: "down_proj") var downProj: Linear
    @ModuleInfo(key: "activation_fn") var activationFn: Activation

    init(_ config: Phi3Configuration) {
        super.init(typeName: "Phi3MLP")
        gateUpProj = Linear(inFeatures: config.hiddenSize, outFeatures: 2 * config.intermediateSize, bias: false)
        downProj = Linear(inFeatures: config.intermediateSize, outFeatures: config.hiddenSize, bias: false)
        activationFn = Activation(config.hiddenAct)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let halves = try gateUpProj(x).chunk(2, axis: -1)
            return try downProj(halves[1] * activationFn(halves[0]))
        }
    }
}

/// `Phi3Attention`: causal self-attention with rotary positions; q, k and v are the consecutive
/// `[heads · d | kv heads · d | kv heads · d]` parts of `qkv_proj`. Head counts come from the
/// projections' sizes, so a checkpoint with heads removed still runs.
final class Phi3Attention: Module {
    let headSize: Int
    let scaling: Float
    @ModuleInfo(key: "o_proj") var oProj: Linear
    @ModuleInfo(key: "qkv_proj") var qkvProj: Linear

    init(_ config: Phi3Configuration) {
        headSize = config.headSize
        scaling = Float(1 / Double(config.headSize).squareRoot())
        super.init(typeName: "Phi3Attention")
        let queryWidth = config.headCount * headSize, keyValueWidth = config.keyValueHeadCount * headSize
        oProj = Linear(inFeatures: queryWidth, outFeatures: config.hiddenSize, bias: false)
        qkvProj = Linear(inFeatures: config.hiddenSize, outFeatures: queryWidth + 2 * keyValueWidth, bias: false)
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask, window: Tensor?) throws -> Tensor {
        try scoped {
            let (batch, length) = (x.shape[0], x.shape[1])
            let queryWidth = oProj.inFeatures, keyValueWidth = (qkvProj.outFeatures - queryWidth) / 2
            let parts = try qkvProj(x).split(sizes: [queryWidth, keyValueWidth, keyValueWidth], axis: -1)
            func heads(_ part: Tensor) throws -> Tensor { try part.view([batch, length, -1, headSize]).transpose(1, 2) }
            let query = try heads(parts[0]).rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation)
            let key = try heads(parts[1]).rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation)
            let context = try DecoderOnly.attention(query: query, key: key, value: heads(parts[2]), mask: mask, scaling: scaling, window: window)
            return try oProj(context)
        }
    }
}

/// `Phi3DecoderLayer`: pre-norm attention and MLP, each with a residual after its dropout.
final class Phi3DecoderLayer: Module {
    @ModuleInfo(key: "self_attn") var selfAttn: Phi3Attention
    @ModuleInfo(key: "mlp") var mlp: Phi3MLP
    @ModuleInfo(key: "input_layernorm") var inputLayernorm: RMSNorm
    @ModuleInfo(key: "post_attention_layernorm") var postAttentionLayernorm: RMSNorm
    @ModuleInfo(key: "resid_attn_dropout") var residAttnDropout: Dropout
    @ModuleInfo(key: "resid_mlp_dropout") var residMlpDropout: Dropout

    init(_ config: Phi3Configuration) {
        super.init(typeName: "Phi3DecoderLayer")
        selfAttn = Phi3Attention(config)
        mlp = Phi3MLP(config)
        inputLayernorm = RMSNorm(dimension: config.hiddenSize, eps: config.rmsNormEps, typeName: "Phi3RMSNorm")
        postAttentionLayernorm = RMSNorm(dimension: config.hiddenSize, eps: config.rmsNormEps, typeName: "Phi3RMSNorm")
        residAttnDropout = Dropout(probability: config.residualDropout)
        residMlpDropout = Dropout(probability: config.residualDropout)
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask, window: Tensor?) throws -> Tensor {
        try scoped {
            let attended = try x + residAttnDropout(selfAttn(inputLayernorm(x), rotary: rotary, mask: mask, window: window))
            return try attended + residMlpDropout(mlp(postAttentionLayernorm(attended)))
        }
    }
}

/// `Phi3Model`: token embedding, decoder layers, final norm and rotary tables; returns
/// `last_hidden_state`.
public final class Phi3Model: Module, DecoderOnlyModel {
    let slidingWindow: Int?
    @ModuleInfo(key: "embed_tokens") var embedTokens: Embedding
    @ModuleInfo(key: "layers") var layers: ModuleList<Phi3DecoderLayer>
    @ModuleInfo(key: "norm") var norm: RMSNorm
    @ModuleInfo(key: "rotary_emb") var rotaryEmb: PartialRotaryEmbedding

    init(_ config: Phi3Configuration) {
        slidingWindow = config.slidingWindow
        super.init(typeName: "Phi3Model")
        embedTokens = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        layers = ModuleList((0..<config.layerCount).map { _ in Phi3DecoderLayer(config) })
        norm = RMSNorm(dimension: config.hiddenSize, eps: config.rmsNormEps, typeName: "Phi3RMSNorm")
        rotaryEmb = PartialRotaryEmbedding(typeName: "Phi3RotaryEmbedding", headSize: config.headSize, parameters: config.ropeParameters)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            var hidden = try embedTokens(inputIds)
            let length = inputIds.shape[1], meta = hidden.isMeta
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: meta)
            let window = try slidingWindow.flatMap { length > $0 ? try Tensor.slidingWindowMask(queryLength: length, keyLength: length, window: $0, meta: meta) : nil }
            let rotary = try rotaryEmb(length: length, meta: meta)
            for layer in layers.items { hidden = try layer(hidden, rotary: rotary, mask: mask, window: window) }
            return try norm(hidden)
        }
    }
}

/// `Phi3ForCausalLM`: `Phi3Model` and `lm_head`, tied to the embedding table when
/// `tie_word_embeddings` is true. Returns logits `[batch, length, vocab]`.
public final class Phi3ForCausalLM: Module, DecoderOnlyModel {
    @ModuleInfo(key: "model") var model: Phi3Model
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ config: Phi3Configuration) {
        super.init(typeName: "Phi3ForCausalLM")
        model = Phi3Model(config)
        lmHead = .languageModelHead(over: model.embedTokens, tied: config.tieWordEmbeddings)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped { try lmHead(model(inputIds: inputIds, attentionMask: attentionMask)) }
    }
}
