import NN
import Tensor

// EleutherAI's GPT-J (`model_type` `gptj`): `GPTJModel` and `GPTJForCausalLM`, as Hugging Face's
// `modeling_gptj.py` builds and runs them: attention and feed-forward side by side on the same
// LayerNorm output, and interleaved rotary position embedding on the first `rotary_dim`
// dimensions of each head.

/// A GPT-J `config.json`, with `GPTJConfig`'s defaults for absent keys.
public struct GPTJConfiguration: ModelConfiguration {
    public var vocabularySize: Int
    public var positionCount: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    /// How many leading dimensions of each head rotate.
    public var rotaryDimension: Int
    /// The feed-forward width (`n_inner`, else `4 * n_embd`).
    public var intermediateSize: Int
    public var activationFunction: ActivationName
    public var residualDropout: Double
    public var embeddingDropout: Double
    public var layerNormEpsilon: Double
    public var tieWordEmbeddings: Bool

    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "n_inner", heads: .derived("n_embd / n_head"))

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case positionCount = "n_positions"
        case hiddenSize = "n_embd"
        case layerCount = "n_layer"
        case headCount = "n_head"
        case rotaryDimension = "rotary_dim"
        case intermediateSize = "n_inner"
        case activationFunction = "activation_function"
        case residualDropout = "resid_pdrop"
        case embeddingDropout = "embd_pdrop"
        case layerNormEpsilon = "layer_norm_epsilon"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 50400)
        positionCount = try c.decode(.positionCount, default: 2048)
        hiddenSize = try c.decode(.hiddenSize, default: 4096)
        layerCount = try c.decode(.layerCount, default: 28)
        headCount = try c.decode(.headCount, default: 16)
        rotaryDimension = try c.decode(.rotaryDimension, default: 64)
        // Wrapping: an `n_embd` whose fourfold overflows is refused by the size checks, naming it.
        intermediateSize = try c.decode(.intermediateSize, default: 4 &* hiddenSize)
        activationFunction = try c.decode(.activationFunction, default: .geluNew)
        residualDropout = try c.decode(.residualDropout, default: 0)
        embeddingDropout = try c.decode(.embeddingDropout, default: 0)
        layerNormEpsilon = try c.decode(.layerNormEpsilon, default: 1e-5)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, default: false)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize, .positionCount: positionCount] }

    /// The rotated dimensions: even, within a head.
    func validate(in file: ConfigFile) throws {
        try file.requirePositive(["rotary_dim": rotaryDimension])
        try file.require(rotaryDimension % 2 == 0 && rotaryDimension <= headSize, "rotary_dim",
                         "(\(rotaryDimension)) must be even and at most the head size \(headSize)")
    }
}

/// `GPTJRotaryEmbedding`: the interleaved (`rotate_every_two`) cos/sin tables for positions
/// `0..<length`, base 10000, up to `n_positions`.
final class GPTJRotaryEmbedding: Module {
    let rotaryDimension: Int
    let maxPositions: Int

    init(_ config: GPTJConfiguration) {
        rotaryDimension = config.rotaryDimension
        maxPositions = config.positionCount
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
        let width = config.hiddenSize
        headDimension = config.headSize
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
        ln1 = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
        attn = GPTJAttention(config)
        mlp = GPTMLP(typeName: "GPTJMLP",
                     in: ("fc_in", Linear(inFeatures: config.hiddenSize, outFeatures: config.intermediateSize)),
                     out: ("fc_out", Linear(inFeatures: config.intermediateSize, outFeatures: config.hiddenSize)),
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
        wte = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        drop = Dropout(probability: config.embeddingDropout)
        h = ModuleList((0..<config.layerCount).map { _ in GPTJBlock(config) })
        lnF = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
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
