import NN
import Tensor

/// A Falcon `config.json` (`model_type` `falcon`), with `FalconConfig`'s defaults for absent keys
/// (Falcon-7B's shape: 71 heads, multi-query attention, parallel attention).
public struct FalconConfiguration: ModelConfiguration {
    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "ffn_hidden_size", heads: .hiddenOverHeads)

    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    /// `num_kv_heads`; nil means one per attention head.
    public var keyValueHeads: Int?
    /// The MLP's hidden width (`ffn_hidden_size`, else four times `hidden_size`).
    public var intermediateSize: Int
    public var activation: ActivationName
    public var layerNormEpsilon: Double
    public var attentionDropout: Double
    /// Falcon-40B's layout: `query_key_value` grouped per key/value head, attention and MLP in parallel.
    public var newDecoderArchitecture: Bool
    /// One key/value head shared by every query head (ignored by the new decoder architecture).
    public var multiQuery: Bool
    /// Attention and MLP on the same input (always so in the new decoder architecture).
    public var parallelAttention: Bool
    /// `num_ln_in_parallel_attn`: two LayerNorms (`ln_attn`, `ln_mlp`) or one; nil means two in the
    /// new decoder architecture, one otherwise.
    public var parallelLayerNormCount: Int?
    public var alibi: Bool
    public var bias: Bool
    public var ropeParameters: RopeParameters?
    /// Top-level `rope_theta` (transformers 4).
    public var ropeTheta: Double?
    public var tieWordEmbeddings: Bool

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case keyValueHeads = "num_kv_heads"
        case intermediateSize = "ffn_hidden_size"
        case activation
        case layerNormEpsilon = "layer_norm_epsilon"
        case attentionDropout = "attention_dropout"
        case newDecoderArchitecture = "new_decoder_architecture"
        case multiQuery = "multi_query"
        case parallelAttention = "parallel_attn"
        case parallelLayerNormCount = "num_ln_in_parallel_attn"
        case alibi
        case bias
        case ropeParameters = "rope_parameters"
        case ropeTheta = "rope_theta"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 65024)
        hiddenSize = try c.decode(.hiddenSize, default: 4544)
        layerCount = try c.decode(.layerCount, default: 32)
        headCount = try c.decode(.headCount, default: 71)
        keyValueHeads = try c.decodeIfPresent(Int.self, forKey: .keyValueHeads)
        intermediateSize = try c.decode(.intermediateSize, default: 4 &* hiddenSize)
        activation = try c.decode(.activation, default: .gelu)
        layerNormEpsilon = try c.decode(.layerNormEpsilon, default: 1e-5)
        attentionDropout = try c.decode(.attentionDropout, default: 0)
        newDecoderArchitecture = try c.decode(.newDecoderArchitecture, default: false)
        multiQuery = try c.decode(.multiQuery, default: true)
        parallelAttention = try c.decode(.parallelAttention, default: true)
        parallelLayerNormCount = try c.decodeIfPresent(Int.self, forKey: .parallelLayerNormCount)
        alibi = try c.decode(.alibi, default: false)
        bias = try c.decode(.bias, default: false)
        ropeParameters = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, default: true)
    }

    /// Key/value heads: `num_kv_heads` in the new decoder architecture, one with multi-query
    /// attention, else one per head.
    public var keyValueHeadCount: Int {
        newDecoderArchitecture ? keyValueHeads ?? headCount : multiQuery ? 1 : headCount
    }
    /// Whether the layers have `ln_attn` and `ln_mlp` rather than `input_layernorm`.
    var hasParallelLayerNorms: Bool { parallelAttention && (parallelLayerNormCount ?? (newDecoderArchitecture ? 2 : 1)) == 2 }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize] }
    static let keyValueHeadCountKey = CodingKeys.keyValueHeads

    /// Refuses what Hugging Face cannot run and ALiBi, which slimtrace does not implement for Falcon.
    func validate(in file: ConfigFile) throws {
        let config = self
        try file.require(!config.alibi, "alibi", "is true: Falcon's ALiBi attention is not supported (only rotary, \"alibi\": false)")
        try file.require(config.parallelAttention || !config.newDecoderArchitecture, "parallel_attn",
                         "must be true with new_decoder_architecture (Hugging Face's FalconDecoderLayer runs no other way)")
        try file.require(config.newDecoderArchitecture || config.multiQuery || config.keyValueHeads.map { $0 == config.headCount } ?? true,
                         "num_kv_heads", "must equal num_attention_heads without multi_query or new_decoder_architecture")
        try file.require(config.newDecoderArchitecture || !config.parallelAttention || config.parallelLayerNormCount.map { $0 != 2 } ?? true,
                         "num_ln_in_parallel_attn", "cannot be 2 without new_decoder_architecture (Hugging Face's FalconDecoderLayer runs no other way)")
    }
}

/// `FalconAttention`: causal self-attention with rotary positions over one fused `query_key_value`
/// (`FalconLinear`). Its output is one block per key/value head, `[its query heads | k | v]`, in the
/// new decoder architecture (and, one query head per block, without multi-query attention);
/// with multi-query attention it is `[every query head | k | v]`. Head counts come from the
/// projections' sizes, so a checkpoint with heads removed still runs.
final class FalconAttention: Module {
    let headSize: Int
    let scaling: Float
    /// Multi-query attention in the old decoder architecture: `[q heads | k | v]`.
    let multiQuery: Bool
    @ModuleInfo(key: "query_key_value") var queryKeyValue: Linear
    @ModuleInfo(key: "dense") var dense: Linear
    /// Hugging Face runs it only on its ALiBi path, which slimtrace refuses; declared for the module tree.
    @ModuleInfo(key: "attention_dropout") var attentionDropout: Dropout

    init(_ config: FalconConfiguration) {
        headSize = config.headSize
        scaling = Float(1 / Double(config.headSize).squareRoot())
        multiQuery = config.multiQuery && !config.newDecoderArchitecture
        super.init(typeName: "FalconAttention")
        let queryWidth = config.headCount * headSize, keyValueWidth = config.keyValueHeadCount * headSize
        queryKeyValue = Linear(inFeatures: config.hiddenSize, outFeatures: queryWidth + 2 * keyValueWidth, bias: config.bias, typeName: "FalconLinear")
        dense = Linear(inFeatures: queryWidth, outFeatures: config.hiddenSize, bias: config.bias, typeName: "FalconLinear")
        attentionDropout = Dropout(probability: config.attentionDropout)
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let (batch, length) = (x.shape[0], x.shape[1])
            let heads = dense.inFeatures / headSize
            let keyValueHeads = (queryKeyValue.outFeatures / headSize - heads) / 2
            let fused = try queryKeyValue(x)
            let query: Tensor, key: Tensor, value: Tensor
            if multiQuery {
                let parts = try fused.view([batch, length, heads + 2, headSize])
                (query, key, value) = try (parts.narrow(2, start: 0, length: heads), parts.narrow(2, start: heads, length: 1),
                                           parts.narrow(2, start: heads + 1, length: 1))
            } else {
                let group = heads / keyValueHeads
                let blocks = try fused.view([batch, length, keyValueHeads, group + 2, headSize])
                (query, key, value) = try (blocks.narrow(3, start: 0, length: group).reshape([batch, length, heads, headSize]),
                                           blocks.select(3, group), blocks.select(3, group + 1))
            }
            let rotatedQuery = try query.transpose(1, 2).rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation)
            let rotatedKey = try key.transpose(1, 2).rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation)
            let context = try DecoderOnly.attention(query: rotatedQuery, key: rotatedKey, value: value.transpose(1, 2), mask: mask, scaling: scaling)
            return try dense(context)
        }
    }
}

/// `FalconDecoderLayer`: attention and MLP on the same normalised input (`ln_attn` and `ln_mlp`
/// with two LayerNorms), their sum added to the input; without `parallel_attn`, attention then MLP,
/// each with its residual (`input_layernorm`, `post_attention_layernorm`).
final class FalconDecoderLayer: Module {
    let parallelAttention: Bool
    @ModuleInfo(key: "self_attention") var selfAttention: FalconAttention
    @ModuleInfo(key: "mlp") var mlp: GPTMLP<Linear>
    @ModuleInfo(key: "post_attention_layernorm") var postAttentionLayernorm: LayerNorm?
    @ModuleInfo(key: "input_layernorm") var inputLayernorm: LayerNorm?
    @ModuleInfo(key: "ln_attn") var lnAttn: LayerNorm?
    @ModuleInfo(key: "ln_mlp") var lnMlp: LayerNorm?

    init(_ config: FalconConfiguration) {
        parallelAttention = config.parallelAttention
        super.init(typeName: "FalconDecoderLayer")
        selfAttention = FalconAttention(config)
        mlp = GPTMLP(typeName: "FalconMLP",
                     in: ("dense_h_to_4h", Linear(inFeatures: config.hiddenSize, outFeatures: config.intermediateSize, bias: config.bias, typeName: "FalconLinear")),
                     out: ("dense_4h_to_h", Linear(inFeatures: config.intermediateSize, outFeatures: config.hiddenSize, bias: config.bias, typeName: "FalconLinear")),
                     activation: ("act", Activation(config.activation)), dropout: nil, order: .activationBetween)
        func norm(_ present: Bool) -> LayerNorm? { present ? LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon) : nil }
        postAttentionLayernorm = norm(!config.parallelAttention)
        inputLayernorm = norm(!config.hasParallelLayerNorms)
        lnAttn = norm(config.hasParallelLayerNorms)
        lnMlp = norm(config.hasParallelLayerNorms)
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            if let lnAttn, let lnMlp {
                let attended = try selfAttention(lnAttn(x), rotary: rotary, mask: mask)
                return try x + (mlp(lnMlp(x)) + attended)
            }
            let normalised = try inputLayernorm!(x)
            let attended = try selfAttention(normalised, rotary: rotary, mask: mask)
            if parallelAttention { return try x + (mlp(normalised) + attended) }
            let residual = try x + attended
            return try residual + mlp(postAttentionLayernorm!(residual))
        }
    }
}

/// `FalconModel`: token embedding, the layers, the final LayerNorm and the rotary tables; returns
/// `last_hidden_state`.
public final class FalconModel: Module, DecoderOnlyModel {
    @ModuleInfo(key: "word_embeddings") var wordEmbeddings: Embedding
    @ModuleInfo(key: "h") var h: ModuleList<FalconDecoderLayer>
    @ModuleInfo(key: "ln_f") var lnF: LayerNorm
    @ModuleInfo(key: "rotary_emb") var rotaryEmb: PartialRotaryEmbedding

    init(_ config: FalconConfiguration) {
        super.init(typeName: "FalconModel")
        wordEmbeddings = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        h = ModuleList((0..<config.layerCount).map { _ in FalconDecoderLayer(config) })
        lnF = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
        rotaryEmb = PartialRotaryEmbedding(typeName: "FalconRotaryEmbedding", headSize: config.headSize, parameters: config.ropeParameters,
                                           defaultTheta: config.ropeTheta ?? 10_000)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let length = inputIds.shape[1], meta = inputIds.isMeta
            var hidden = try wordEmbeddings(inputIds)
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: meta)
            let rotary = try rotaryEmb(length: length, meta: meta)
            for layer in h.items { hidden = try layer(hidden, rotary: rotary, mask: mask) }
            return try lnF(hidden)
        }
    }
}

/// `FalconForCausalLM`: `FalconModel` and a bias-free `lm_head`, tied to `word_embeddings` when
/// `tie_word_embeddings` is true (the default). Returns logits `[batch, length, vocab]`.
public final class FalconForCausalLM: Module, DecoderOnlyModel {
    @ModuleInfo(key: "transformer") var transformer: FalconModel
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ config: FalconConfiguration) {
        super.init(typeName: "FalconForCausalLM")
        transformer = FalconModel(config)
        lmHead = .languageModelHead(over: transformer.wordEmbeddings, tied: config.tieWordEmbeddings)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped { try lmHead(transformer(inputIds: inputIds, attentionMask: attentionMask)) }
    }
}
