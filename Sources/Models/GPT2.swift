import NN
import Tensor

/// OpenAI's GPT-2 (`model_type` `gpt2`): `GPT2Model` and `GPT2LMHeadModel`, as Hugging Face's
/// `modeling_gpt2.py` builds and runs them. Its projections are `Conv1D` (weights `[in, out]`) and
/// query, key and value come from one fused `c_attn`.
public enum GPT2Family: Architecture {
    public static let modelTypes = ["gpt2"]
    public static let classNames = ["GPT2Model", "GPT2LMHeadModel"]

    public static func basePrefix(modelType: String) -> String { "transformer" }
    public static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "n_inner", heads: .derived("n_embd / n_head"))

    public static func build(className: String, config file: ConfigFile) throws -> any TransformerModel {
        let config = try GPT2Configuration.read(file)
        switch className {
        case "GPT2Model": return GPT2Model(config)
        case "GPT2LMHeadModel": return GPT2LMHeadModel(config)
        default: throw ModelError.unsupportedArchitecture(className, modelType: file.modelType, supported: classNames)
        }
    }
}

/// A GPT-2 `config.json`, with `GPT2Config`'s defaults for absent keys.
public struct GPT2Configuration: Codable, Sendable {
    public var vocabularySize: Int
    public var positions: Int
    public var embeddingDimension: Int
    public var layers: Int
    public var heads: Int
    /// The feed-forward width; nil means `4 * n_embd`.
    public var innerDimension: Int?
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

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size"
        case positions = "n_positions"
        case embeddingDimension = "n_embd"
        case layers = "n_layer"
        case heads = "n_head"
        case innerDimension = "n_inner"
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
        vocabularySize = try c.decodeIfPresent(Int.self, forKey: .vocabularySize) ?? 50257
        positions = try c.decodeIfPresent(Int.self, forKey: .positions) ?? 1024
        embeddingDimension = try c.decodeIfPresent(Int.self, forKey: .embeddingDimension) ?? 768
        layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? 12
        heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? 12
        innerDimension = try c.decodeIfPresent(Int.self, forKey: .innerDimension)
        activationFunction = try c.decodeIfPresent(ActivationName.self, forKey: .activationFunction) ?? .geluNew
        residualDropout = try c.decodeIfPresent(Double.self, forKey: .residualDropout) ?? 0.1
        embeddingDropout = try c.decodeIfPresent(Double.self, forKey: .embeddingDropout) ?? 0.1
        attentionDropout = try c.decodeIfPresent(Double.self, forKey: .attentionDropout) ?? 0.1
        layerNormEpsilon = try c.decodeIfPresent(Double.self, forKey: .layerNormEpsilon) ?? 1e-5
        scaleAttentionWeights = try c.decodeIfPresent(Bool.self, forKey: .scaleAttentionWeights) ?? true
        scaleAttentionByInverseLayerIndex = try c.decodeIfPresent(Bool.self, forKey: .scaleAttentionByInverseLayerIndex) ?? false
        addCrossAttention = try c.decodeIfPresent(Bool.self, forKey: .addCrossAttention) ?? false
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? true
    }

    /// The feed-forward width (`n_inner`, else `4 * n_embd`).
    var feedForwardDimension: Int { innerDimension ?? 4 * embeddingDimension }

    /// Decodes `file` and checks the values the modules rely on.
    static func read(_ file: ConfigFile) throws -> GPT2Configuration {
        let config = try file.decode(GPT2Configuration.self)
        try file.requireTableSize(["vocab_size": config.vocabularySize, "n_positions": config.positions])
        try file.requirePositive(["n_embd": config.embeddingDimension, "n_head": config.heads])
        try file.requirePositive(["n_inner": config.feedForwardDimension])
        try file.requireLayerCount("n_layer", config.layers)
        try file.requireDivisible("n_embd", config.embeddingDimension, by: "n_head", config.heads)
        try file.require(!config.addCrossAttention, "add_cross_attention", "must be false (GPT-2 as an encoder-decoder is not supported)")
        return config
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
        let width = config.embeddingDimension
        headDimension = width / config.heads
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
        ln1 = LayerNorm(dimension: config.embeddingDimension, eps: config.layerNormEpsilon)
        attn = GPT2Attention(config, layerIndex: layerIndex)
        ln2 = LayerNorm(dimension: config.embeddingDimension, eps: config.layerNormEpsilon)
        mlp = GPTMLP(typeName: "GPT2MLP",
                     in: ("c_fc", Conv1D(nf: config.feedForwardDimension, nx: config.embeddingDimension)),
                     out: ("c_proj", Conv1D(nf: config.embeddingDimension, nx: config.feedForwardDimension)),
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
        wte = Embedding(count: config.vocabularySize, dimension: config.embeddingDimension)
        wpe = Embedding(count: config.positions, dimension: config.embeddingDimension)
        drop = Dropout(probability: config.embeddingDropout)
        h = ModuleList((0..<config.layers).map { GPT2Block(config, layerIndex: $0) })
        lnF = LayerNorm(dimension: config.embeddingDimension, eps: config.layerNormEpsilon)
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
