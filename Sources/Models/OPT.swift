import NN
import Tensor

// Meta's OPT (`model_type` `opt`): `OPTModel` and `OPTForCausalLM`, as Hugging Face's
// `modeling_opt.py` builds and runs them.

/// An OPT `config.json`, with `OPTConfig`'s defaults for absent keys.
public struct OPTConfiguration: ModelConfiguration {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    /// Pre-norm (most OPT sizes) when true; post-norm (opt-350m) when false.
    public var doLayerNormBefore: Bool
    /// Drops the decoder's final LayerNorm (checkpoints fine-tuned before transformers 4.20.1).
    public var removeFinalLayerNorm: Bool
    /// The token embedding width (`word_embed_proj_dim`, else `hidden_size`); when it differs from
    /// `hiddenSize` the decoder projects in and out.
    public var embeddingSize: Int
    public var dropout: Double
    public var headCount: Int
    public var activationFunction: ActivationName
    public var enableBias: Bool
    public var layerNormElementwiseAffine: Bool
    public var tieWordEmbeddings: Bool

    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "ffn_dim", heads: .hiddenOverHeads)

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case layerCount = "num_hidden_layers"
        case intermediateSize = "ffn_dim"
        case maxPositionEmbeddings = "max_position_embeddings"
        case doLayerNormBefore = "do_layer_norm_before"
        case removeFinalLayerNorm = "_remove_final_layer_norm"
        case embeddingSize = "word_embed_proj_dim"
        case dropout
        case headCount = "num_attention_heads"
        case activationFunction = "activation_function"
        case enableBias = "enable_bias"
        case layerNormElementwiseAffine = "layer_norm_elementwise_affine"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 50272)
        hiddenSize = try c.decode(.hiddenSize, default: 768)
        layerCount = try c.decode(.layerCount, default: 12)
        intermediateSize = try c.decode(.intermediateSize, default: 3072)
        maxPositionEmbeddings = try c.decode(.maxPositionEmbeddings, default: 2048)
        doLayerNormBefore = try c.decode(.doLayerNormBefore, default: true)
        removeFinalLayerNorm = try c.decode(.removeFinalLayerNorm, default: false)
        embeddingSize = try c.decode(.embeddingSize, default: hiddenSize)
        dropout = try c.decode(.dropout, default: 0.1)
        headCount = try c.decode(.headCount, default: 12)
        activationFunction = try c.decode(.activationFunction, default: .relu)
        enableBias = try c.decode(.enableBias, default: true)
        layerNormElementwiseAffine = try c.decode(.layerNormElementwiseAffine, default: true)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, default: true)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize, .maxPositionEmbeddings: maxPositionEmbeddings] }

    /// The embedding width, and LayerNorms with weights.
    func validate(in file: ConfigFile) throws {
        try file.requirePositive(["word_embed_proj_dim": embeddingSize])
        try file.require(layerNormElementwiseAffine, "layer_norm_elementwise_affine",
                         "must be true (LayerNorm without weight and bias is not supported)")
    }
}

/// `OPTLearnedPositionalEmbedding`: a position table whose row `p + 2` embeds position `p` (OPT
/// keeps two extra rows at the front).
final class OPTLearnedPositionalEmbedding: Module {
    static let offset = 2
    @ParameterInfo(key: "weight") var weight: Parameter

    init(maxPositions: Int, dimension: Int) {
        super.init(typeName: "OPTLearnedPositionalEmbedding")
        weight = Parameter(shape: [maxPositions + Self.offset, dimension])
    }

    /// Embeddings of integer `positionIds` (any shape).
    func callAsFunction(_ positionIds: Tensor) throws -> Tensor {
        try scoped { try value(weight).embedding(positionIds.add(Float(Self.offset)).to(.i64)) }
    }
}

/// `OPTAttention`: multi-head self-attention with the query scaled by `head_dim^-0.5` right after
/// its projection (OPT's original order).
final class OPTAttention: Module {
    let headDimension: Int
    let scaling: Float
    @ModuleInfo(key: "k_proj") var kProj: Linear
    @ModuleInfo(key: "v_proj") var vProj: Linear
    @ModuleInfo(key: "q_proj") var qProj: Linear
    @ModuleInfo(key: "out_proj") var outProj: Linear

    init(_ config: OPTConfiguration) {
        let width = config.hiddenSize
        headDimension = config.headSize
        scaling = Float(1 / Double(headDimension).squareRoot())
        super.init(typeName: "OPTAttention")
        kProj = Linear(inFeatures: width, outFeatures: width, bias: config.enableBias)
        vProj = Linear(inFeatures: width, outFeatures: width, bias: config.enableBias)
        qProj = Linear(inFeatures: width, outFeatures: width, bias: config.enableBias)
        outProj = Linear(inFeatures: width, outFeatures: width, bias: config.enableBias)
    }

    func callAsFunction(_ x: Tensor, mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let (batch, length) = (x.shape[0], x.shape[1])
            let heads = [batch, length, -1, headDimension]
            let query = try qProj(x).mul(scaling).view(heads).transpose(1, 2)
            let key = try kProj(x)
            let value = try vProj(x)
            let context = try DecoderOnly.attention(query: query, key: key.view(heads).transpose(1, 2),
                                                    value: value.view(heads).transpose(1, 2), mask: mask, scaling: 1)
            return try outProj(context)
        }
    }
}

/// `OPTDecoderLayer`: attention and a ReLU feed-forward block, each with a residual and a
/// LayerNorm before (or, in post-norm configs, after) it.
final class OPTDecoderLayer: Module {
    let doLayerNormBefore: Bool
    let dropout: Double
    @ModuleInfo(key: "self_attn") var selfAttn: OPTAttention
    @ModuleInfo(key: "activation_fn") var activationFn: Activation
    @ModuleInfo(key: "self_attn_layer_norm") var selfAttnLayerNorm: LayerNorm
    @ModuleInfo(key: "fc1") var fc1: Linear
    @ModuleInfo(key: "fc2") var fc2: Linear
    @ModuleInfo(key: "final_layer_norm") var finalLayerNorm: LayerNorm

    init(_ config: OPTConfiguration) {
        doLayerNormBefore = config.doLayerNormBefore
        dropout = config.dropout
        super.init(typeName: "OPTDecoderLayer")
        selfAttn = OPTAttention(config)
        activationFn = Activation(config.activationFunction)
        selfAttnLayerNorm = LayerNorm(dimension: config.hiddenSize, eps: 1e-5)
        fc1 = Linear(inFeatures: config.hiddenSize, outFeatures: config.intermediateSize, bias: config.enableBias)
        fc2 = Linear(inFeatures: config.intermediateSize, outFeatures: config.hiddenSize, bias: config.enableBias)
        finalLayerNorm = LayerNorm(dimension: config.hiddenSize, eps: 1e-5)
    }

    func callAsFunction(_ x: Tensor, mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            var hidden = doLayerNormBefore ? try selfAttnLayerNorm(x) : x
            hidden = try selfAttn(hidden, mask: mask).dropout(probability: dropout)
            hidden = try x + hidden
            if !doLayerNormBefore { hidden = try selfAttnLayerNorm(hidden) }

            let shape = hidden.shape
            let residual = try hidden.reshape([-1, shape[shape.count - 1]])
            hidden = doLayerNormBefore ? try finalLayerNorm(residual) : residual
            hidden = try fc2(activationFn(fc1(hidden))).dropout(probability: dropout)
            hidden = try (residual + hidden).view(shape)
            return doLayerNormBefore ? hidden : try finalLayerNorm(hidden)
        }
    }
}

/// `OPTDecoder`: token and learned position embeddings, the layers, the final LayerNorm, and the
/// projections in and out when the embedding width differs from the hidden size.
final class OPTDecoder: Module {
    @ModuleInfo(key: "embed_tokens") var embedTokens: Embedding
    @ModuleInfo(key: "embed_positions") var embedPositions: OPTLearnedPositionalEmbedding
    @ModuleInfo(key: "project_out") var projectOut: Linear?
    @ModuleInfo(key: "project_in") var projectIn: Linear?
    @ModuleInfo(key: "final_layer_norm") var finalLayerNorm: LayerNorm?
    @ModuleInfo(key: "layers") var layers: ModuleList<OPTDecoderLayer>

    init(_ config: OPTConfiguration) {
        super.init(typeName: "OPTDecoder")
        let projected = config.embeddingSize != config.hiddenSize
        embedTokens = Embedding(count: config.vocabularySize, dimension: config.embeddingSize)
        embedPositions = OPTLearnedPositionalEmbedding(maxPositions: config.maxPositionEmbeddings, dimension: config.hiddenSize)
        projectOut = projected ? Linear(inFeatures: config.hiddenSize, outFeatures: config.embeddingSize, bias: false) : nil
        projectIn = projected ? Linear(inFeatures: config.embeddingSize, outFeatures: config.hiddenSize, bias: false) : nil
        finalLayerNorm = config.doLayerNormBefore && !config.removeFinalLayerNorm ? LayerNorm(dimension: config.hiddenSize, eps: 1e-5) : nil
        layers = ModuleList((0..<config.layerCount).map { _ in OPTDecoderLayer(config) })
    }

    /// `last_hidden_state` for token ids `[batch, length]`. With an attention mask, positions
    /// count the tokens that are not padding (`cumsum(mask) * mask - 1`), so left padding does not
    /// shift them; without one they are `0..<length`.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let length = inputIds.shape[1]
            var inputsEmbeds = try embedTokens(inputIds)
            let positionIds = try attentionMask.map { try $0.cumsum(axis: 1).mul($0).sub(1).to(.i64) }
                ?? Tensor.arange(length, meta: inputIds.isMeta).unsqueeze(0)
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: inputIds.isMeta)
            let positionEmbeds = try embedPositions(positionIds)
            if let projectIn { inputsEmbeds = try projectIn(inputsEmbeds) }
            var hidden = try inputsEmbeds + positionEmbeds
            for layer in layers.items { hidden = try layer(hidden, mask: mask) }
            if let finalLayerNorm { hidden = try finalLayerNorm(hidden) }
            if let projectOut { hidden = try projectOut(hidden) }
            return hidden
        }
    }
}

/// `OPTModel`: the decoder; its output is `last_hidden_state`.
public final class OPTModel: Module, DecoderOnlyModel {
    @ModuleInfo(key: "decoder") var decoder: OPTDecoder

    init(_ config: OPTConfiguration) {
        super.init(typeName: "OPTModel")
        decoder = OPTDecoder(config)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped { try decoder(inputIds: inputIds, attentionMask: attentionMask) }
    }
}

/// `OPTForCausalLM`: `OPTModel` and a bias-free `lm_head`, tied to the token embeddings unless
/// `tie_word_embeddings` is false (the checkpoint then stores `lm_head.weight`).
public final class OPTForCausalLM: Module, DecoderOnlyModel {
    @ModuleInfo(key: "model") var model: OPTModel
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ config: OPTConfiguration) {
        super.init(typeName: "OPTForCausalLM")
        model = OPTModel(config)
        lmHead = .languageModelHead(over: model.decoder.embedTokens, tied: config.tieWordEmbeddings)
    }

    /// Logits `[batch, length, vocab_size]`. Like Hugging Face, it runs `model.decoder` directly.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let hidden = try model.decoder(inputIds: inputIds, attentionMask: attentionMask)
            return try lmHead(hidden).contiguous()
        }
    }
}
