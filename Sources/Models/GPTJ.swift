import NN
import Tensor

/// EleutherAI's GPT-J (`model_type` `gptj`): `GPTJModel` and `GPTJForCausalLM`, as Hugging Face's
/// `modeling_gptj.py` builds and runs them: attention and feed-forward side by side on the same
/// LayerNorm output, and interleaved rotary position embedding on the first `rotary_dim`
/// dimensions of each head.
public enum GPTJFamily: Architecture {
    public static let modelTypes = ["gptj"]
    public static let classNames = ["GPTJModel", "GPTJForCausalLM"]

    public static func basePrefix(modelType: String) -> String { "transformer" }
    public static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "n_inner", heads: .derived("n_embd / n_head"))

    public static func build(className: String, config file: ConfigFile) throws -> any TransformerModel {
        let config = try GPTJConfiguration.read(file)
        switch className {
        case "GPTJModel": return GPTJModel(config)
        case "GPTJForCausalLM": return GPTJForCausalLM(config)
        default: throw ModelError.unsupportedArchitecture(className, modelType: file.modelType, supported: classNames)
        }
    }
}

/// A GPT-J `config.json`, with `GPTJConfig`'s defaults for absent keys.
public struct GPTJConfiguration: Codable, Sendable {
    public var vocabularySize: Int
    public var positions: Int
    public var embeddingDimension: Int
    public var layers: Int
    public var heads: Int
    /// How many leading dimensions of each head rotate.
    public var rotaryDimension: Int
    /// The feed-forward width; nil means `4 * n_embd`.
    public var innerDimension: Int?
    public var activationFunction: ActivationName
    public var residualDropout: Double
    public var embeddingDropout: Double
    public var layerNormEpsilon: Double
    public var tieWordEmbeddings: Bool

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size"
        case positions = "n_positions"
        case embeddingDimension = "n_embd"
        case layers = "n_layer"
        case heads = "n_head"
        case rotaryDimension = "rotary_dim"
        case innerDimension = "n_inner"
        case activationFunction = "activation_function"
        case residualDropout = "resid_pdrop"
        case embeddingDropout = "embd_pdrop"
        case layerNormEpsilon = "layer_norm_epsilon"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decodeIfPresent(Int.self, forKey: .vocabularySize) ?? 50400
        positions = try c.decodeIfPresent(Int.self, forKey: .positions) ?? 2048
        embeddingDimension = try c.decodeIfPresent(Int.self, forKey: .embeddingDimension) ?? 4096
        layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? 28
        heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? 16
        rotaryDimension = try c.decodeIfPresent(Int.self, forKey: .rotaryDimension) ?? 64
        innerDimension = try c.decodeIfPresent(Int.self, forKey: .innerDimension)
        activationFunction = try c.decodeIfPresent(ActivationName.self, forKey: .activationFunction) ?? .geluNew
        residualDropout = try c.decodeIfPresent(Double.self, forKey: .residualDropout) ?? 0
        embeddingDropout = try c.decodeIfPresent(Double.self, forKey: .embeddingDropout) ?? 0
        layerNormEpsilon = try c.decodeIfPresent(Double.self, forKey: .layerNormEpsilon) ?? 1e-5
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
    }

    /// The feed-forward width (`n_inner`, else `4 * n_embd`).
    var feedForwardDimension: Int { innerDimension ?? 4 * embeddingDimension }

    /// Decodes `file` and checks the values the modules rely on.
    static func read(_ file: ConfigFile) throws -> GPTJConfiguration {
        let config = try file.decode(GPTJConfiguration.self)
        try file.requireTableSize(["vocab_size": config.vocabularySize, "n_positions": config.positions])
        try file.requirePositive(["n_embd": config.embeddingDimension, "n_head": config.heads, "rotary_dim": config.rotaryDimension])
        try file.requirePositive(["n_inner": config.feedForwardDimension])
        try file.requireLayerCount("n_layer", config.layers)
        try file.requireDivisible("n_embd", config.embeddingDimension, by: "n_head", config.heads)
        let headDimension = config.embeddingDimension / config.heads
        try file.require(config.rotaryDimension % 2 == 0 && config.rotaryDimension <= headDimension, "rotary_dim",
                         "(\(config.rotaryDimension)) must be even and at most the head size \(headDimension)")
        return config
    }
}

/// `GPTJRotaryEmbedding`: the interleaved (`rotate_every_two`) cos/sin tables for positions
/// `0..<length`, base 10000, up to `n_positions`.
final class GPTJRotaryEmbedding: Module {
    let rotaryDimension: Int
    let maxPositions: Int

    init(_ config: GPTJConfiguration) {
        rotaryDimension = config.rotaryDimension
        maxPositions = config.positions
        super.init(typeName: "GPTJRotaryEmbedding")
    }

    func callAsFunction(length: Int, meta: Bool) throws -> (cos: Tensor, sin: Tensor) {
        try scoped {
            guard length <= maxPositions else {
                throw ModelError.invalidInput(name: "input_ids", detail: "\(length) tokens exceed GPT-J's n_positions \(maxPositions)")
            }
            return try Tensor.rotaryTables(length: length, rotaryDim: rotaryDimension, base: 10000, style: .interleaved, meta: meta)
        }
    }
}

/// `GPTJAttention`: causal self-attention without biases, with rotary position embedding on
/// query and key.
final class GPTJAttention: Module {
    let headDimension: Int
    let scaling: Float
    @ModuleInfo(key: "k_proj") var kProj: Linear
    @ModuleInfo(key: "v_proj") var vProj: Linear
    @ModuleInfo(key: "q_proj") var qProj: Linear
    @ModuleInfo(key: "out_proj") var outProj: Linear
    @ModuleInfo(key: "resid_dropout") var residDropout: Dropout

    init(_ config: GPTJConfiguration) {
        let width = config.embeddingDimension
        headDimension = width / config.heads
        scaling = Float(1 / Double(headDimension).squareRoot())
        super.init(typeName: "GPTJAttention")
        kProj = Linear(inFeatures: width, outFeatures: width, bias: false)
        vProj = Linear(inFeatures: width, outFeatures: width, bias: false)
        qProj = Linear(inFeatures: width, outFeatures: width, bias: false)
        outProj = Linear(inFeatures: width, outFeatures: width, bias: false)
        residDropout = Dropout(probability: config.residualDropout)
    }

    /// `rotary` holds the tables from `GPTJRotaryEmbedding`; they rotate query and key once the
    /// heads are split off and moved before the positions.
    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let (batch, length) = (x.shape[0], x.shape[1])
            let heads = [batch, length, -1, headDimension]
            let query = try qProj(x).view(heads)
            let key = try kProj(x).view(heads)
            let value = try vProj(x).view(heads).transpose(1, 2)
            let rotatedKey = try key.transpose(1, 2).rotary(cos: rotary.cos, sin: rotary.sin, style: .interleaved)
            let rotatedQuery = try query.transpose(1, 2).rotary(cos: rotary.cos, sin: rotary.sin, style: .interleaved)
            let context = try DecoderOnly.attention(query: rotatedQuery, key: rotatedKey, value: value, mask: mask, scaling: scaling)
            return try residDropout(outProj(context))
        }
    }
}

/// `GPTJBlock`: `x + attn(ln_1(x)) + mlp(ln_1(x))` (parallel residual).
final class GPTJBlock: Module {
    @ModuleInfo(key: "ln_1") var ln1: LayerNorm
    @ModuleInfo(key: "attn") var attn: GPTJAttention
    @ModuleInfo(key: "mlp") var mlp: GPTMLP<Linear>

    init(_ config: GPTJConfiguration) {
        super.init(typeName: "GPTJBlock")
        ln1 = LayerNorm(dimension: config.embeddingDimension, eps: config.layerNormEpsilon)
        attn = GPTJAttention(config)
        mlp = GPTMLP(typeName: "GPTJMLP",
                     in: ("fc_in", Linear(inFeatures: config.embeddingDimension, outFeatures: config.feedForwardDimension)),
                     out: ("fc_out", Linear(inFeatures: config.feedForwardDimension, outFeatures: config.embeddingDimension)),
                     activation: ("act", Activation(config.activationFunction)), dropout: config.residualDropout)
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let normed = try ln1(x)
            let attnOutput = try attn(normed, rotary: rotary, mask: mask)
            return try attnOutput + mlp(normed) + x
        }
    }
}

/// `GPTJModel`: token embeddings, the blocks, the final LayerNorm and the rotary tables; its
/// output is `last_hidden_state`.
public final class GPTJModel: Module, DecoderOnlyModel {
    @ModuleInfo(key: "wte") var wte: Embedding
    @ModuleInfo(key: "drop") var drop: Dropout
    @ModuleInfo(key: "h") var h: ModuleList<GPTJBlock>
    @ModuleInfo(key: "ln_f") var lnF: LayerNorm
    @ModuleInfo(key: "rotary_emb") var rotaryEmb: GPTJRotaryEmbedding

    init(_ config: GPTJConfiguration) {
        super.init(typeName: "GPTJModel")
        wte = Embedding(count: config.vocabularySize, dimension: config.embeddingDimension)
        drop = Dropout(probability: config.embeddingDropout)
        h = ModuleList((0..<config.layers).map { _ in GPTJBlock(config) })
        lnF = LayerNorm(dimension: config.embeddingDimension, eps: config.layerNormEpsilon)
        rotaryEmb = GPTJRotaryEmbedding(config)
    }

    /// `last_hidden_state` for token ids `[batch, length]`; positions are `0..<length` whatever
    /// the attention mask says, as in Hugging Face.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let length = inputIds.shape[1]
            let inputsEmbeds = try wte(inputIds)
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: inputIds.isMeta)
            var hidden = try drop(inputsEmbeds)
            let rotary = try rotaryEmb(length: length, meta: inputIds.isMeta)
            for block in h.items { hidden = try block(hidden, rotary: rotary, mask: mask) }
            return try lnF(hidden)
        }
    }
}

/// `GPTJForCausalLM`: `GPTJModel` and an `lm_head` with a bias; its weight is its own unless
/// `tie_word_embeddings` is true (then it is `wte`'s).
public final class GPTJForCausalLM: Module, DecoderOnlyModel {
    @ModuleInfo(key: "transformer") var transformer: GPTJModel
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ config: GPTJConfiguration) {
        super.init(typeName: "GPTJForCausalLM")
        transformer = GPTJModel(config)
        lmHead = .languageModelHead(over: transformer.wte, tied: config.tieWordEmbeddings, bias: true)
    }

    /// Logits `[batch, length, vocab_size]`.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped { try lmHead(transformer(inputIds: inputIds, attentionMask: attentionMask)) }
    }
}
