import Foundation
import NN
import Tensor

/// A BLOOM `config.json` (`model_type` `bloom`), with `BloomConfig`'s defaults for absent keys.
public struct BloomConfiguration: ModelConfiguration {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var layerNormEpsilon: Double
    /// The residuals start after the LayerNorms rather than before them.
    public var applyResidualConnectionPostLayernorm: Bool
    public var attentionDropout: Double
    public var tieWordEmbeddings: Bool

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case layerCount = "n_layer"
        case headCount = "n_head"
        /// BLOOM has no such key: its MLP is four times `hidden_size` wide.
        case intermediateSize = "4 * hidden_size"
        case layerNormEpsilon = "layer_norm_epsilon"
        case applyResidualConnectionPostLayernorm = "apply_residual_connection_post_layernorm"
        case attentionDropout = "attention_dropout"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 250880)
        hiddenSize = try c.decode(.hiddenSize, default: 64)
        layerCount = try c.decode(.layerCount, default: 2)
        headCount = try c.decode(.headCount, default: 8)
        layerNormEpsilon = try c.decode(.layerNormEpsilon, default: 1e-5)
        applyResidualConnectionPostLayernorm = try c.decode(.applyResidualConnectionPostLayernorm, default: false)
        attentionDropout = try c.decode(.attentionDropout, default: 0)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, default: true)
    }

    /// The MLP's hidden width: four times `hidden_size` (`BloomMLP`).
    public var intermediateSize: Int { 4 &* hiddenSize }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize] }
}

/// BLOOM's ALiBi (`_get_alibi_slopes`, `build_alibi_tensor`): per head h a slope, the powers of
/// `2^(-8/n)` for the largest power of two n ≤ heads, then odd powers of `2^(-4/n)` for the rest,
/// computed in f32 as PyTorch does (`torch.pow` of an f32 base); the bias of a key is its slope
/// times the key's position among the tokens that are not padding (0 for padding).
enum ALiBi {
    /// The slopes of `heads` heads, in head order.
    static func slopes(heads: Int) -> [Float] {
        let closest = 1 << (Int.bitWidth - 1 - heads.leadingZeroBitCount)
        func powers(of exponent: Double, _ range: StrideTo<Int>) -> [Float] {
            let base = Float(pow(2, -pow(2, -(log2(exponent) - 3))))
            return range.map { powf(base, Float($0)) }
        }
        let remaining = min(closest, heads - closest)
        return powers(of: Double(closest), stride(from: 1, to: closest + 1, by: 1))
            + powers(of: Double(2 * closest), stride(from: 1, to: 1 + 2 * remaining, by: 2))
    }

    /// The bias `[batch or 1, heads, 1, length]` added to the scaled attention scores.
    static func bias(heads: Int, length: Int, attentionMask: Tensor?, meta: Bool) throws -> Tensor {
        let positions = try attentionMask.map { try $0.cumsum(axis: 1).sub(1).mul($0) } ?? Tensor.arange(length, meta: meta).unsqueeze(0)
        let slopes = meta ? Tensor.meta(shape: [heads]) : try Tensor(slopes(heads: heads), shape: [heads])
        return try slopes.view([1, heads, 1]).mul(positions.to(.f32).unsqueeze(1)).unsqueeze(2)
    }
}

/// `BloomAttention`: causal self-attention with ALiBi; `query_key_value`'s output viewed
/// `[…, heads, 3, d]` (per head `[q, k, v]`).
final class BloomAttention: Module {
    let headSize: Int
    let scaling: Float
    @ModuleInfo(key: "query_key_value") var queryKeyValue: Linear
    @ModuleInfo(key: "dense") var dense: Linear
    @ModuleInfo(key: "attention_dropout") var attentionDropout: Dropout

    init(_ config: BloomConfiguration) {
        headSize = config.headSize
        scaling = Float(1 / Double(config.headSize).squareRoot())
        super.init(typeName: "BloomAttention")
        queryKeyValue = Linear(inFeatures: config.hiddenSize, outFeatures: 3 * config.hiddenSize)
        dense = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        attentionDropout = Dropout(probability: config.attentionDropout)
    }

    func callAsFunction(_ x: Tensor, alibi: Tensor, mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let (batch, length) = (x.shape[0], x.shape[1])
            let qkv = try queryKeyValue(x).view([batch, length, -1, 3, headSize])
            func part(_ index: Int) throws -> Tensor { try qkv.select(3, index).transpose(1, 2) }
            let context = try DecoderOnly.attention(query: part(0), key: part(1), value: part(2), mask: mask, scaling: scaling, bias: alibi)
            return try dense(context)
        }
    }
}

/// `BloomBlock`: `h = r₁ + attn(ln₁(x))`, `r₂ + mlp(ln₂(h))`, the residuals `r` being the
/// LayerNorms' inputs, or their outputs with `apply_residual_connection_post_layernorm`.
final class BloomBlock: Module {
    let residualAfterNorm: Bool
    @ModuleInfo(key: "input_layernorm") var inputLayernorm: LayerNorm
    @ModuleInfo(key: "self_attention") var selfAttention: BloomAttention
    @ModuleInfo(key: "post_attention_layernorm") var postAttentionLayernorm: LayerNorm
    @ModuleInfo(key: "mlp") var mlp: GPTMLP<Linear>

    init(_ config: BloomConfiguration) {
        residualAfterNorm = config.applyResidualConnectionPostLayernorm
        super.init(typeName: "BloomBlock")
        inputLayernorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
        selfAttention = BloomAttention(config)
        postAttentionLayernorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
        mlp = GPTMLP(typeName: "BloomMLP",
                     in: ("dense_h_to_4h", Linear(inFeatures: config.hiddenSize, outFeatures: config.intermediateSize)),
                     out: ("dense_4h_to_h", Linear(inFeatures: config.intermediateSize, outFeatures: config.hiddenSize)),
                     activation: ("gelu_impl", Activation(.geluTanh, typeName: "BloomGelu")), dropout: nil, order: .activationBetween)
    }

    func callAsFunction(_ x: Tensor, alibi: Tensor, mask: DecoderOnly.AttentionMask) throws -> Tensor {
        try scoped {
            let normalised = try inputLayernorm(x)
            let attended = try (residualAfterNorm ? normalised : x) + selfAttention(normalised, alibi: alibi, mask: mask)
            let normalisedAgain = try postAttentionLayernorm(attended)
            return try (residualAfterNorm ? normalisedAgain : attended) + mlp(normalisedAgain)
        }
    }
}

/// `BloomModel`: token embedding and its LayerNorm, the blocks, the final LayerNorm; returns
/// `last_hidden_state`.
public final class BloomModel: Module, DecoderOnlyModel {
    let headCount: Int
    @ModuleInfo(key: "word_embeddings") var wordEmbeddings: Embedding
    @ModuleInfo(key: "word_embeddings_layernorm") var wordEmbeddingsLayernorm: LayerNorm
    @ModuleInfo(key: "h") var h: ModuleList<BloomBlock>
    @ModuleInfo(key: "ln_f") var lnF: LayerNorm

    init(_ config: BloomConfiguration) {
        headCount = config.headCount
        super.init(typeName: "BloomModel")
        wordEmbeddings = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        wordEmbeddingsLayernorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
        h = ModuleList((0..<config.layerCount).map { _ in BloomBlock(config) })
        lnF = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEpsilon)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let length = inputIds.shape[1], meta = inputIds.isMeta
            var hidden = try wordEmbeddingsLayernorm(wordEmbeddings(inputIds))
            let alibi = try ALiBi.bias(heads: headCount, length: length, attentionMask: attentionMask, meta: meta)
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: meta)
            for block in h.items { hidden = try block(hidden, alibi: alibi, mask: mask) }
            return try lnF(hidden)
        }
    }
}

/// `BloomForCausalLM`: `BloomModel` and a bias-free `lm_head`, tied to `word_embeddings` when
/// `tie_word_embeddings` is true (the default). Returns logits `[batch, length, vocab]`.
public final class BloomForCausalLM: Module, DecoderOnlyModel {
    @ModuleInfo(key: "transformer") var transformer: BloomModel
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ config: BloomConfiguration) {
        super.init(typeName: "BloomForCausalLM")
        transformer = BloomModel(config)
        lmHead = .languageModelHead(over: transformer.wordEmbeddings, tied: config.tieWordEmbeddings)
    }

    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped { try lmHead(transformer(inputIds: inputIds, attentionMask: attentionMask)) }
    }
}
