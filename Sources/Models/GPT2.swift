import NN
import Tensor

// OpenAI's GPT-2 (`model_type` `gpt2`): `GPT2Model` and `GPT2LMHeadModel`, as Hugging Face's
// `modeling_gpt2.py` builds and runs them. Its projections are `Conv1D` (weights `[in, out]`) and
// query, key and value come from one fused `c_attn`.

/// A GPT-2 `config.json`, with `GPT2Config`'s defaults for absent keys.
public struct GPT2Configuration: ModelConfiguration {
    public var vocabularySize: Int
    public var positionCount: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    /// The feed-forward width (`n_inner`, else `4 * n_embd`).
    public var intermediateSize: Int
    public var activationFunction: ActivationName
    public var residualDropout: Double
    public var embeddingDropout: Double
    public var attentionDropout: Double
    public var layerNormEpsilon: Double
    /// Divide the attention scores by `sqrt(head_dim)`.
    public var scaleAttentionWeights: Bool
    /// Also divide them by `layer_index + 1`.
    public var scaleAttentionByInverseLayerIndex: Bool
    public var addCrossAttention: Bool
    public var tieWordEmbeddings: Bool

    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "n_inner", heads: .derived("n_embd / n_head"))

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case positionCount = "n_positions"
        case hiddenSize = "n_embd"
        case layerCount = "n_layer"
        case headCount = "n_head"
        case intermediateSize = "n_inner"
        case activationFunction = "activation_function"
        case residualDropout = "resid_pdrop"
        case embeddingDropout = "embd_pdrop"
        case attentionDropout = "attn_pdrop"
        case layerNormEpsilon = "layer_norm_epsilon"
        case scaleAttentionWeights = "scale_attn_weights"
        case scaleAttentionByInverseLayerIndex = "scale_attn_by_inverse_layer_idx"
        case addCrossAttention = "add_cross_attention"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 50257)
        positionCount = try c.decode(.positionCount, default: 1024)
        hiddenSize = try c.decode(.hiddenSize, default: 768)
        layerCount = try c.decode(.layerCount, default: 12)
        headCount = try c.decode(.headCount, default: 12)
        // Wrapping: an `n_embd` whose fourfold overflows is refused by the size checks, naming it.
        intermediateSize = try c.decode(.intermediateSize, default: 4 &* hiddenSize)
        activationFunction = try c.decode(.activationFunction, default: .geluNew)
        residualDropout = try c.decode(.residualDropout, default: 0.1)
        embeddingDropout = try c.decode(.embeddingDropout, default: 0.1)
        attentionDropout = try c.decode(.attentionDropout, default: 0.1)
        layerNormEpsilon = try c.decode(.layerNormEpsilon, default: 1e-5)
        scaleAttentionWeights = try c.decode(.scaleAttentionWeights, default: true)
        scaleAttentionByInverseLayerIndex = try c.decode(.scaleAttentionByInverseLayerIndex, default: false)
        addCrossAttention = try c.decode(.addCrossAttention, default: false)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, default: true)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize, .positionCount: positionCount] }

    /// A decoder only.
    func validate(in file: ConfigFile) throws {
        try file.require(!addCrossAttention, "add_cross_attention", "must be false (GPT-2 as an encoder-decoder is not supported)")
    }
}

/// `GPT2Attention`: causal self-attention whose query, key and value are the three thirds of the
/// fused `c_attn` output.
final class GPT2Attention: Module {
    let headDimension: Int
    let scaling: Float
    @ModuleInfo(key: "c_attn") var cAttn: Conv1D
    @ModuleInfo(key: "c_proj") var cProj: Conv1D
    @ModuleInfo(key: "attn_dropout") var attnDropout: Dropout
    @ModuleInfo(key: "resid_dropout") var residDropout: Dropout

    init(_ config: GPT2Configuration, layerIndex: Int) {
        let width = config.hiddenSize
        headDimension = config.headSize
        var scaling = config.scaleAttentionWeights ? 1 / Double(headDimension).squareRoot() : 1
        if config.scaleAttentionByInverseLayerIndex { scaling /= Double(layerIndex + 1) }
        self.scaling = Float(scaling)
        super.init(typeName: "GPT2Attention")
        cAttn = Conv1D(nf: 3 * width, nx: width)
        cProj = Conv1D(nf: width, nx: width)
        attnDropout = Dropout(probability: config.attentionDropout)
        residDropout = Dropout(probability: config.residualDropout)
    }

    /// Hugging Face's eager path does not call `attn_dropout` (it applies a functional dropout
    /// with p = 0 in evaluation), so neither does this.
    func callAsFunction(_ x: Tensor, mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let (batch, length) = (x.shape[0], x.shape[1])
            let fused = try cAttn(x)
            let third = fused.shape[2] / 3
            let parts = try fused.split(sizes: [third, third, third], axis: 2)
            let heads = [batch, length, -1, headDimension]
            let key = try parts[1].view(heads).transpose(1, 2)
            let value = try parts[2].view(heads).transpose(1, 2)
            let query = try parts[0].view(heads).transpose(1, 2)
            let context = try DecoderOnly.attention(query: query, key: key, value: value, mask: mask, scaling: scaling)
            return try residDropout(cProj(context))
        }
    }
}

/// `GPT2Block`: pre-norm attention and feed-forward, each with a residual.
final class GPT2Block: Module {
    @ModuleInfo(key: "ln_1") var ln1: LayerNorm
    @ModuleInfo(key: "attn") var attn: GPT2Attention
    @ModuleInfo(key: "ln_2") var ln2: LayerNorm
    @ModuleInfo(key: "mlp") var mlp: GPTMLP<Conv1D>

    init(_ config: GPT2Configuration, layerIndex: Int) {
        super.init(typeName: "GPT2Block")
        ln1 = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
        attn = GPT2Attention(config, layerIndex: layerIndex)
        ln2 = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
        mlp = GPTMLP(typeName: "GPT2MLP",
                     in: ("c_fc", Conv1D(nf: config.intermediateSize, nx: config.hiddenSize)),
                     out: ("c_proj", Conv1D(nf: config.hiddenSize, nx: config.intermediateSize)),
                     activation: ("act", Activation(config.activationFunction)), dropout: config.residualDropout)
    }

    func callAsFunction(_ x: Tensor, mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let hidden = try attn(ln1(x), mask: mask) + x
            return try hidden + mlp(ln2(hidden))
        }
    }
}

/// `GPT2Model`: token and position embeddings, the blocks and the final LayerNorm; its output is
/// `last_hidden_state`.
public final class GPT2Model: Module, DecoderOnlyModel {
    @ModuleInfo(key: "wte") var wte: Embedding
    @ModuleInfo(key: "wpe") var wpe: Embedding
    @ModuleInfo(key: "drop") var drop: Dropout
    @ModuleInfo(key: "h") var h: ModuleList<GPT2Block>
    @ModuleInfo(key: "ln_f") var lnF: LayerNorm

    init(_ config: GPT2Configuration) {
        super.init(typeName: "GPT2Model")
        wte = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        wpe = Embedding(count: config.positionCount, dimension: config.hiddenSize)
        drop = Dropout(probability: config.embeddingDropout)
        h = ModuleList((0..<config.layerCount).map { GPT2Block(config, layerIndex: $0) })
        lnF = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
    }

    /// `last_hidden_state` for token ids `[batch, length]`; positions are `0..<length` whatever
    /// the attention mask says, as in Hugging Face.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let length = inputIds.shape[1]
            let inputsEmbeds = try wte(inputIds)
            let positionIds = try Tensor.arange(length, meta: inputIds.isMeta).unsqueeze(0)
            var hidden = try inputsEmbeds + wpe(positionIds)
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: inputIds.isMeta)
            hidden = try drop(hidden)
            for block in h.items { hidden = try block(hidden, mask: mask) }
            return try lnF(hidden)
        }
    }
}

/// `GPT2LMHeadModel`: `GPT2Model` and a bias-free `lm_head`, tied to `wte` unless
/// `tie_word_embeddings` is false (the checkpoint then stores `lm_head.weight`).
public final class GPT2LMHeadModel: Module, DecoderOnlyModel {
    @ModuleInfo(key: "transformer") var transformer: GPT2Model
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ config: GPT2Configuration) {
        super.init(typeName: "GPT2LMHeadModel")
        transformer = GPT2Model(config)
        lmHead = .languageModelHead(over: transformer.wte, tied: config.tieWordEmbeddings)
    }

    /// Logits `[batch, length, vocab_size]`.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped { try lmHead(transformer(inputIds: inputIds, attentionMask: attentionMask)) }
    }
}
