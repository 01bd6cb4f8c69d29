import NN
import Tensor

// EleutherAI's GPT-NeoX (`model_type` `gpt_neox`: Pythia, GPT-NeoX-20B): `GPTNeoXModel` and
// `GPTNeoXForCausalLM`, as Hugging Face's `modeling_gpt_neox.py` builds and runs them. One fused
// `query_key_value` laid out per head (`[q, k, v]` of head 0, then head 1, ...), rotary position
// embedding on the first `partial_rotary_factor` of each head, and (by default) attention and
// MLP side by side on the same input (`use_parallel_residual`).

/// A GPT-NeoX `config.json`, with `GPTNeoXConfig`'s defaults for absent keys (and its legacy
/// `rotary_pct`, `rotary_emb_base`, which Pythia checkpoints still carry).
public struct GPTNeoXConfiguration: ModelConfiguration {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var hiddenAct: ActivationName
    public var layerNormEps: Double
    public var hiddenDropout: Double
    public var ropeParameters: RopeParameters?
    /// Legacy `rotary_pct` (the rotating share of each head, when `rope_parameters` do not say).
    public var rotaryPercentage: Double?
    /// Legacy `rotary_emb_base`.
    public var rotaryEmbeddingBase: Double?
    public var useParallelResidual: Bool
    public var attentionBias: Bool
    public var tieWordEmbeddings: Bool

    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "intermediate_size", heads: .hiddenOverHeads)

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case hiddenDropout = "hidden_dropout"
        case ropeParameters = "rope_parameters"
        case rotaryPercentage = "rotary_pct"
        case rotaryEmbeddingBase = "rotary_emb_base"
        case useParallelResidual = "use_parallel_residual"
        case attentionBias = "attention_bias"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 50432)
        hiddenSize = try c.decode(.hiddenSize, default: 6144)
        intermediateSize = try c.decode(.intermediateSize, default: 24576)
        layerCount = try c.decode(.layerCount, default: 44)
        headCount = try c.decode(.headCount, default: 64)
        hiddenAct = try c.decode(.hiddenAct, default: .gelu)
        layerNormEps = try c.decode(.layerNormEps, default: 1e-5)
        hiddenDropout = try c.decode(.hiddenDropout, default: 0)
        ropeParameters = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        rotaryPercentage = try RopeParameters.share(c, .rotaryPercentage)
        rotaryEmbeddingBase = try c.decodeIfPresent(Double.self, forKey: .rotaryEmbeddingBase)
        useParallelResidual = try c.decode(.useParallelResidual, default: true)
        attentionBias = try c.decode(.attentionBias, default: true)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, default: false)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize] }
}

/// `GPTNeoXAttention`: causal self-attention; `query_key_value`'s output viewed `[…, heads, 3·d]`
/// and chunked into q, k and v, rotary on the first channels of q and k.
final class GPTNeoXAttention: Module {
    let headSize: Int
    let scaling: Float
    @ModuleInfo(key: "query_key_value") var queryKeyValue: Linear
    @ModuleInfo(key: "dense") var dense: Linear

    init(_ config: GPTNeoXConfiguration) {
        headSize = config.headSize
        scaling = Float(1 / Double(config.headSize).squareRoot())
        super.init(typeName: "GPTNeoXAttention")
        queryKeyValue = Linear(inFeatures: config.hiddenSize, outFeatures: 3 * config.hiddenSize, bias: config.attentionBias)
        dense = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize, bias: config.attentionBias)
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let (batch, length) = (x.shape[0], x.shape[1])
            let qkv = try queryKeyValue(x).view([batch, length, -1, 3 * headSize]).transpose(1, 2)
            let parts = try qkv.chunk(3, axis: -1)
            let query = try parts[0].rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation)
            let key = try parts[1].rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation)
            let context = try DecoderOnly.attention(query: query, key: key, value: parts[2], mask: mask, scaling: scaling)
            return try dense(context)
        }
    }
}

/// `GPTNeoXLayer`: `x + attn(ln₁(x)) + mlp(ln₂(x))` with the parallel residual, else
/// `h = x + attn(ln₁(x)); h + mlp(ln₂(h))`.
final class GPTNeoXLayer: Module {
    let useParallelResidual: Bool
    @ModuleInfo(key: "input_layernorm") var inputLayernorm: LayerNorm
    @ModuleInfo(key: "post_attention_layernorm") var postAttentionLayernorm: LayerNorm
    @ModuleInfo(key: "post_attention_dropout") var postAttentionDropout: Dropout
    @ModuleInfo(key: "post_mlp_dropout") var postMlpDropout: Dropout
    @ModuleInfo(key: "attention") var attention: GPTNeoXAttention
    @ModuleInfo(key: "mlp") var mlp: GPTMLP<Linear>

    init(_ config: GPTNeoXConfiguration) {
        useParallelResidual = config.useParallelResidual
        super.init(typeName: "GPTNeoXLayer")
        inputLayernorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        postAttentionLayernorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        postAttentionDropout = Dropout(probability: config.hiddenDropout)
        postMlpDropout = Dropout(probability: config.hiddenDropout)
        attention = GPTNeoXAttention(config)
        mlp = GPTMLP(typeName: "GPTNeoXMLP",
                     in: ("dense_h_to_4h", Linear(inFeatures: config.hiddenSize, outFeatures: config.intermediateSize)),
                     out: ("dense_4h_to_h", Linear(inFeatures: config.intermediateSize, outFeatures: config.hiddenSize)),
                     activation: ("act", Activation(config.hiddenAct)), dropout: nil)
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let attended = try postAttentionDropout(attention(inputLayernorm(x), rotary: rotary, mask: mask))
            if useParallelResidual {
                let mlpOutput = try postMlpDropout(mlp(postAttentionLayernorm(x)))
                return try mlpOutput + attended + x
            }
            let hidden = try attended + x
            return try postMlpDropout(mlp(postAttentionLayernorm(hidden))) + hidden
        }
    }
}

/// `GPTNeoXModel`: token embedding, the layers, the final LayerNorm and the rotary tables;
/// returns `last_hidden_state`.
public final class GPTNeoXModel: Module, DecoderOnlyModel {
    @ModuleInfo(key: "embed_in") var embedIn: Embedding
    @ModuleInfo(key: "emb_dropout") var embDropout: Dropout
    @ModuleInfo(key: "layers") var layers: ModuleList<GPTNeoXLayer>
    @ModuleInfo(key: "final_layer_norm") var finalLayerNorm: LayerNorm
    @ModuleInfo(key: "rotary_emb") var rotaryEmb: PartialRotaryEmbedding

    init(_ config: GPTNeoXConfiguration) {
        super.init(typeName: "GPTNeoXModel")
        embedIn = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        embDropout = Dropout(probability: config.hiddenDropout)
        layers = ModuleList((0..<config.layerCount).map { _ in GPTNeoXLayer(config) })
        finalLayerNorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        rotaryEmb = PartialRotaryEmbedding(typeName: "GPTNeoXRotaryEmbedding", headSize: config.headSize, parameters: config.ropeParameters,
                                           defaultFactor: config.rotaryPercentage ?? 0.25, defaultTheta: config.rotaryEmbeddingBase ?? 10_000)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let length = inputIds.shape[1], meta = inputIds.isMeta
            var hidden = try embDropout(embedIn(inputIds))
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: meta)
            let rotary = try rotaryEmb(length: length, meta: meta)
            for layer in layers.items { hidden = try layer(hidden, rotary: rotary, mask: mask) }
            return try finalLayerNorm(hidden)
        }
    }
}

/// `GPTNeoXForCausalLM`: `GPTNeoXModel` and a bias-free `lm_head` (stored as `embed_out.weight`
/// by checkpoints before transformers 5), tied to `embed_in` when `tie_word_embeddings` is true.
public final class GPTNeoXForCausalLM: Module, DecoderOnlyModel {
    @ModuleInfo(key: "gpt_neox") var gptNeox: GPTNeoXModel
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ config: GPTNeoXConfiguration) {
        super.init(typeName: "GPTNeoXForCausalLM")
        gptNeox = GPTNeoXModel(config)
        lmHead = .languageModelHead(over: gptNeox.embedIn, tied: config.tieWordEmbeddings)
    }

    public var legacyTensorNames: [String: String] { ["lm_head.weight": "embed_out.weight"] }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped { try lmHead(gptNeox(inputIds: inputIds, attentionMask: attentionMask)) }
    }
}
