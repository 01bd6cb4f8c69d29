import Formats
import Foundation
import NN
import Tensor

// DeBERTa-v2 and DeBERTa-v3 (`model_type` deberta-v2): a BERT-shaped encoder whose attention adds
// disentangled relative-position scores, content→position (c2p: each query against the relative
// embeddings projected as keys) and position→content (p2c: each key against them projected as
// queries), picked per (query, key) pair by their relative distance, optionally log-bucketed. The
// relative embedding table lives in the encoder (`rel_embeddings`, optionally layer-normed) and is
// projected in every layer by that layer's own query/key projections (`share_att_key`) or by
// `pos_key_proj` / `pos_query_proj`. The feed-forward block and residual outputs are the BERT
// family's; the classifier pools the first token through `ContextPooler`.

/// `config.json` of a DeBERTa-v2/v3 checkpoint, with `DebertaV2Config`'s defaults for absent keys
/// (and `getattr` defaults for the keys the modeling code reads without declaring them).
public struct DebertaV2Configuration: ModelConfiguration, ClassifierConfiguration {
    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "intermediate_size", heads: .hiddenOverHeads)

    public var vocabularySize: Int
    public var hiddenSize: Int
    /// Width of the embeddings (`embedding_size`, default `hidden_size`; projected by `embed_proj` when it differs).
    public var embeddingSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var hiddenAct: ActivationName
    public var hiddenDropoutProb: Double
    public var attentionProbsDropoutProb: Double
    public var maxPositionEmbeddings: Int
    /// Token type rows; 0 (the default) builds no token type table.
    public var typeVocabSize: Int
    public var layerNormEps: Double
    /// Disentangled relative attention on or off (`relative_attention`).
    public var relativeAttention: Bool
    /// `max_relative_positions` as given (< 1: `max_position_embeddings`).
    public var declaredMaxRelativePositions: Int
    /// `position_buckets` (≤ 0: no log buckets).
    public var positionBuckets: Int
    /// `pos_att_type`, lower-cased (a list, or a `|`-separated string as older configs write it).
    public var positionAttentionTypes: [String]
    /// `share_att_key`: relative embeddings projected by the query/key projections themselves.
    public var shareAttentionKey: Bool
    /// `norm_rel_ebd`, split at `|` (`layer_norm` adds the encoder's `LayerNorm` on the relative embeddings).
    public var relativeEmbeddingNorms: [String]
    /// `position_biased_input`: absolute position embeddings added to the word embeddings.
    public var positionBiasedInput: Bool
    public var poolerHiddenSize: Int
    public var poolerDropout: Double
    public var poolerHiddenAct: ActivationName
    /// The classifier's dropout (`cls_dropout`, else `hidden_dropout_prob`).
    public var classifierDropout: Double
    /// `conv_kernel_size` (DeBERTa-v2-xlarge's `ConvLayer`): slimtrace builds none, so only 0 loads.
    public var convKernelSize: Int
    /// `attention_head_size` when the config gives it.
    public var attentionHeadSize: Int?
    public var id2label: [String: String]?
    public var numLabels: Int?

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case embeddingSize = "embedding_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act"
        case hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps"
        case relativeAttention = "relative_attention"
        case declaredMaxRelativePositions = "max_relative_positions"
        case positionBuckets = "position_buckets"
        case positionAttentionTypes = "pos_att_type"
        case shareAttentionKey = "share_att_key"
        case relativeEmbeddingNorms = "norm_rel_ebd"
        case positionBiasedInput = "position_biased_input"
        case poolerHiddenSize = "pooler_hidden_size"
        case poolerDropout = "pooler_dropout"
        case poolerHiddenAct = "pooler_hidden_act"
        case classifierDropout = "cls_dropout"
        case convKernelSize = "conv_kernel_size"
        case attentionHeadSize = "attention_head_size"
        case numLabels = "num_labels"
        case id2label
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 128100)
        hiddenSize = try c.decode(.hiddenSize, default: 1536)
        embeddingSize = try c.decode(.embeddingSize, default: hiddenSize)
        layerCount = try c.decode(.layerCount, default: 24)
        headCount = try c.decode(.headCount, default: 24)
        intermediateSize = try c.decode(.intermediateSize, default: 6144)
        hiddenAct = try c.decode(.hiddenAct, default: .gelu)
        hiddenDropoutProb = try c.decode(.hiddenDropoutProb, default: 0.1)
        attentionProbsDropoutProb = try c.decode(.attentionProbsDropoutProb, default: 0.1)
        maxPositionEmbeddings = try c.decode(.maxPositionEmbeddings, default: 512)
        typeVocabSize = try c.decode(.typeVocabSize, default: 0)
        layerNormEps = try c.decode(.layerNormEps, default: 1e-7)
        relativeAttention = try c.decode(.relativeAttention, default: false)
        declaredMaxRelativePositions = try c.decode(.declaredMaxRelativePositions, default: -1)
        positionBuckets = try c.decode(.positionBuckets, default: -1)
        if let list = try? c.decodeIfPresent([String].self, forKey: .positionAttentionTypes) {
            positionAttentionTypes = list.map { $0.lowercased() }
        } else {
            positionAttentionTypes = Self.split(try c.decodeIfPresent(String.self, forKey: .positionAttentionTypes) ?? "")
        }
        shareAttentionKey = try c.decode(.shareAttentionKey, default: false)
        relativeEmbeddingNorms = Self.split(try c.decode(.relativeEmbeddingNorms, default: "none"))
        positionBiasedInput = try c.decode(.positionBiasedInput, default: true)
        poolerHiddenSize = try c.decode(.poolerHiddenSize, default: hiddenSize)
        poolerDropout = try c.decode(.poolerDropout, default: 0)
        poolerHiddenAct = try c.decode(.poolerHiddenAct, default: .gelu)
        classifierDropout = try c.decodeIfPresent(Double.self, forKey: .classifierDropout) ?? hiddenDropoutProb
        convKernelSize = try c.decode(.convKernelSize, default: 0)
        attentionHeadSize = try c.decodeIfPresent(Int.self, forKey: .attentionHeadSize)
        id2label = try c.decodeIfPresent([String: String].self, forKey: .id2label)
        numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels)
    }

    /// `"p2c|c2p"` → `["p2c", "c2p"]`, lower-cased and trimmed, as `DebertaV2Config` splits it.
    private static func split(_ value: String) -> [String] {
        value.lowercased().split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Content→position scores (`c2p` in `pos_att_type`).
    var contentToPosition: Bool { relativeAttention && positionAttentionTypes.contains("c2p") }
    /// Position→content scores (`p2c` in `pos_att_type`).
    var positionToContent: Bool { relativeAttention && positionAttentionTypes.contains("p2c") }
    /// `max_relative_positions`, `max_position_embeddings` when below 1.
    var maxRelativePositions: Int { declaredMaxRelativePositions < 1 ? maxPositionEmbeddings : declaredMaxRelativePositions }
    /// The attention span `pos_ebd_size`: `position_buckets` when positive, else `maxRelativePositions`.
    var attentionSpan: Int { positionBuckets > 0 ? positionBuckets : maxRelativePositions }

    var tableSizes: KeyValuePairs<CodingKeys, Int> {
        [.vocabularySize: vocabularySize, .maxPositionEmbeddings: maxPositionEmbeddings]
    }

    /// What slimtrace builds of DeBERTa: no `ConvLayer`, one head size, a pooler as wide as the
    /// hidden states (Hugging Face's classifier reads `hidden_size` after it), known attention types.
    func validate(in file: ConfigFile) throws {
        try file.require(typeVocabSize >= 0, "type_vocab_size", "must not be negative, got \(typeVocabSize)")
        if typeVocabSize > 0 { try file.requireTableSize(["type_vocab_size": typeVocabSize]) }
        try file.requirePositive(["embedding_size": embeddingSize])
        try file.require(convKernelSize <= 0, "conv_kernel_size",
                         "is \(convKernelSize): DeBERTa's convolution layer (ConvLayer) is not supported by slimtrace")
        if let attentionHeadSize {
            try file.require(attentionHeadSize == headSize, "attention_head_size",
                             "is \(attentionHeadSize): only hidden_size / num_attention_heads (\(headSize)) is supported, as DebertaV2SelfOutput reads hidden_size channels")
        }
        try file.require(poolerHiddenSize == hiddenSize, "pooler_hidden_size",
                         "is \(poolerHiddenSize): it must equal hidden_size (\(hiddenSize)), as DebertaV2ForSequenceClassification's classifier reads hidden_size channels")
        if let unknown = positionAttentionTypes.first(where: { !["c2p", "p2c"].contains($0) }) {
            try file.require(false, "pos_att_type", "holds \"\(unknown)\": only \"c2p\" and \"p2c\" are supported")
        }
        if relativeAttention {
            try file.requireTableSize([positionBuckets > 0 ? "position_buckets" : "max_relative_positions": 2 * attentionSpan])
            if positionBuckets > 0 {
                try file.require(positionBuckets >= 2 && maxRelativePositions > positionBuckets / 2 + 1, "max_relative_positions",
                                 "is \(maxRelativePositions): log position buckets need more than position_buckets / 2 + 1 (\(positionBuckets / 2 + 1)) positions")
            }
        }
    }
}

/// `DebertaV2Embeddings`: word embeddings, absolute positions (`position_biased_input`), token types
/// (when `type_vocab_size` > 0), `embed_proj` (when `embedding_size` differs), LayerNorm, the
/// attention mask multiplied in, dropout.
final class DebertaV2Embeddings: Module {
    let maxPositions: Int
    @ModuleInfo(key: "word_embeddings") var wordEmbeddings: Embedding
    @ModuleInfo(key: "position_embeddings") var positionEmbeddings: Embedding?
    @ModuleInfo(key: "token_type_embeddings") var tokenTypeEmbeddings: Embedding?
    @ModuleInfo(key: "embed_proj") var embedProj: Linear?
    @ModuleInfo(key: "LayerNorm") var layerNorm: LayerNorm
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: DebertaV2Configuration) {
        maxPositions = config.maxPositionEmbeddings
        super.init(typeName: "DebertaV2Embeddings")
        let width = config.embeddingSize
        wordEmbeddings = Embedding(count: config.vocabularySize, dimension: width)
        positionEmbeddings = config.positionBiasedInput ? Embedding(count: config.maxPositionEmbeddings, dimension: width) : nil
        tokenTypeEmbeddings = config.typeVocabSize > 0 ? Embedding(count: config.typeVocabSize, dimension: width) : nil
        embedProj = width != config.hiddenSize ? Linear(inFeatures: width, outFeatures: config.hiddenSize, bias: false) : nil
        layerNorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        dropout = Dropout(probability: config.hiddenDropoutProb)
    }

    func callAsFunction(_ tokens: TokenInputs) throws -> Tensor {
        try scoped {
            let (batch, length) = (tokens.ids.shape[0], tokens.ids.shape[1])
            var embeddings = try wordEmbeddings(tokens.ids)
            if let positionEmbeddings {
                guard length <= maxPositions else {
                    throw ModelError.invalidInput(name: "input_ids", detail: "\(length) tokens need \(length) positions, but max_position_embeddings is \(maxPositions)")
                }
                let positions = tokens.ids.isMeta ? Tensor.meta(shape: [1, length], dtype: .i64) : try Tensor(integers: Array(0..<length), shape: [1, length])
                embeddings = try embeddings + positionEmbeddings(positions)
            }
            if let tokenTypeEmbeddings {
                let types = tokens.tokenTypeIds ?? Tensor.zeros(shape: [batch, length], dtype: .i64, meta: tokens.ids.isMeta)
                embeddings = try embeddings + tokenTypeEmbeddings(types)
            }
            if let embedProj { embeddings = try embedProj(embeddings) }
            embeddings = try layerNorm(embeddings)
            if let mask = tokens.attentionMask { embeddings = try embeddings * mask.to(.f32).unsqueeze(2) }
            return try dropout(embeddings)
        }
    }
}

/// What every layer's attention reads besides its input: the (normalised) relative embeddings
/// and the c2p / p2c gather indices for this sequence length, and the padding masks.
struct DebertaV2AttentionContext {
    /// `[2·span, hidden]`, nil without relative attention.
    let relativeEmbeddings: Tensor?
    let contentToPositionIndex: Tensor?
    let positionToContentIndex: Tensor?
    /// Bool `[batch, 1, 1, keys]`, true at padded keys.
    let paddedKeys: Tensor?
    /// Bool `[batch, 1, queries, 1]`, true at padded queries (Hugging Face's mask is their product).
    let paddedQueries: Tensor?
}

/// `DisentangledSelfAttention`: q/k/v projections, scores `q·kᵀ / √(d·factor)` plus the c2p and
/// p2c relative scores (each over the same scale), masked where the query or the key is padding.
/// The number of heads is what the projections hold, the head size the config's.
final class DisentangledSelfAttention: Module {
    let headSize: Int
    let contentToPosition: Bool
    let positionToContent: Bool
    let span: Int
    @ModuleInfo(key: "query_proj") var queryProj: Linear
    @ModuleInfo(key: "key_proj") var keyProj: Linear
    @ModuleInfo(key: "value_proj") var valueProj: Linear
    @ModuleInfo(key: "pos_dropout") var positionDropout: Dropout?
    @ModuleInfo(key: "pos_key_proj") var positionKeyProj: Linear?
    @ModuleInfo(key: "pos_query_proj") var positionQueryProj: Linear?
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: DebertaV2Configuration) {
        headSize = config.headSize
        contentToPosition = config.contentToPosition
        positionToContent = config.positionToContent
        span = config.attentionSpan
        super.init(typeName: "DisentangledSelfAttention")
        let width = config.headCount * headSize
        queryProj = Linear(inFeatures: config.hiddenSize, outFeatures: width)
        keyProj = Linear(inFeatures: config.hiddenSize, outFeatures: width)
        valueProj = Linear(inFeatures: config.hiddenSize, outFeatures: width)
        let separate = config.relativeAttention && !config.shareAttentionKey
        positionDropout = config.relativeAttention ? Dropout(probability: config.hiddenDropoutProb) : nil
        positionKeyProj = separate && config.contentToPosition ? Linear(inFeatures: config.hiddenSize, outFeatures: width) : nil
        positionQueryProj = separate && config.positionToContent ? Linear(inFeatures: config.hiddenSize, outFeatures: width) : nil
        dropout = Dropout(probability: config.attentionProbsDropoutProb)
    }

    func callAsFunction(_ hidden: Tensor, context: DebertaV2AttentionContext) throws -> Tensor {
        try scoped {
            let (batch, length) = (hidden.shape[0], hidden.shape[1])
            func heads(_ projected: Tensor) throws -> Tensor {
                try projected.view([projected.shape[0], projected.shape[1], -1, headSize]).transpose(1, 2)
            }
            let q = try heads(queryProj(hidden)), k = try heads(keyProj(hidden)), v = try heads(valueProj(hidden))
            let factor = 1 + (contentToPosition ? 1 : 0) + (positionToContent ? 1 : 0)
            let scale = (Float(headSize) * Float(factor)).squareRoot()
            var scores = try q.matmul(k.transpose(2, 3) / scale)
            if let positionDropout, let embeddings = context.relativeEmbeddings {
                let relative = try positionDropout(embeddings).narrow(0, start: 0, length: 2 * span).unsqueeze(0)
                var bias: Tensor?
                if contentToPosition, let index = context.contentToPositionIndex {
                    let positionKey = try heads((positionKeyProj ?? keyProj)(relative))
                    let picked = try q.matmul(positionKey.transpose(2, 3)).gather(axis: 3, index: index.expand([batch, q.shape[1], length, length]))
                    bias = try picked / scale
                }
                if positionToContent, let index = context.positionToContentIndex {
                    let positionQuery = try heads((positionQueryProj ?? queryProj)(relative))
                    let picked = try k.matmul(positionQuery.transpose(2, 3)).gather(axis: 3, index: index.expand([batch, k.shape[1], length, length]))
                    let term = try picked.transpose(2, 3) / scale
                    bias = try bias.map { try $0 + term } ?? term
                }
                if let bias { scores = try scores + bias }
            }
            if let keys = context.paddedKeys, let queries = context.paddedQueries {
                scores = try scores.maskedFill(keys, value: -.greatestFiniteMagnitude).maskedFill(queries, value: -.greatestFiniteMagnitude)
            }
            let probabilities = try dropout(scores.softmax())
            return try probabilities.matmul(v).transpose(1, 2).contiguous().reshape([batch, length, -1])
        }
    }
}

/// `DebertaV2Attention`: self-attention, then `DebertaV2SelfOutput` (dense, residual, LayerNorm).
final class DebertaV2Attention: Module {
    @ModuleInfo(key: "self") var attention: DisentangledSelfAttention
    @ModuleInfo(key: "output") var output: BertResidualOutput

    init(_ config: DebertaV2Configuration) {
        super.init(typeName: "DebertaV2Attention")
        attention = DisentangledSelfAttention(config)
        output = BertResidualOutput(typeName: "DebertaV2SelfOutput", inFeatures: config.hiddenSize, hiddenSize: config.hiddenSize,
                                    eps: config.layerNormEps, dropout: config.hiddenDropoutProb)
    }

    func callAsFunction(_ hidden: Tensor, context: DebertaV2AttentionContext) throws -> Tensor {
        try scoped { try output(attention(hidden, context: context), residual: hidden) }
    }
}

/// `DebertaV2Layer`: attention, then the feed-forward block.
final class DebertaV2Layer: Module {
    @ModuleInfo(key: "attention") var attention: DebertaV2Attention
    @ModuleInfo(key: "intermediate") var intermediate: Intermediate
    @ModuleInfo(key: "output") var output: BertResidualOutput

    init(_ config: DebertaV2Configuration) {
        super.init(typeName: "DebertaV2Layer")
        attention = DebertaV2Attention(config)
        intermediate = Intermediate(typeName: "DebertaV2Intermediate", hiddenSize: config.hiddenSize,
                                    intermediateSize: config.intermediateSize, activation: config.hiddenAct)
        output = BertResidualOutput(typeName: "DebertaV2Output", inFeatures: config.intermediateSize, hiddenSize: config.hiddenSize,
                                    eps: config.layerNormEps, dropout: config.hiddenDropoutProb)
    }

    func callAsFunction(_ hidden: Tensor, context: DebertaV2AttentionContext) throws -> Tensor {
        try scoped {
            let attended = try attention(hidden, context: context)
            return try output(intermediate(attended), residual: attended)
        }
    }
}

/// `DebertaV2Encoder`: the layers, the relative embedding table `rel_embeddings` `[2·span, hidden]`
/// (with relative attention) and its LayerNorm (`norm_rel_ebd: layer_norm`), shared by every layer.
final class DebertaV2Encoder: Module {
    let positionBuckets: Int
    let maxRelativePositions: Int
    let span: Int
    @ModuleInfo(key: "layer") var layers: ModuleList<DebertaV2Layer>
    @ModuleInfo(key: "rel_embeddings") var relativeEmbeddings: Embedding?
    @ModuleInfo(key: "LayerNorm") var layerNorm: LayerNorm?

    init(_ config: DebertaV2Configuration) {
        positionBuckets = config.positionBuckets
        maxRelativePositions = config.maxRelativePositions
        span = config.attentionSpan
        super.init(typeName: "DebertaV2Encoder")
        layers = ModuleList((0..<config.layerCount).map { _ in DebertaV2Layer(config) })
        relativeEmbeddings = config.relativeAttention ? Embedding(count: 2 * config.attentionSpan, dimension: config.hiddenSize) : nil
        layerNorm = config.relativeEmbeddingNorms.contains("layer_norm") ? LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps) : nil
    }

    /// `attentionMask` is the `[batch, length]` mask (nil: no padding).
    func callAsFunction(_ hidden: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let length = hidden.shape[1]
            var embeddings: Tensor?
            var contentToPosition: Tensor?, positionToContent: Tensor?
            if let relativeEmbeddings {
                let table = relativeEmbeddings.value(relativeEmbeddings.weight)
                embeddings = try layerNorm.map { try $0(table) } ?? table
                func index(sign: Int) throws -> Tensor {
                    try Tensor.relativePositionIndex(length: length, buckets: positionBuckets, maxPosition: maxRelativePositions,
                                                     span: span, sign: sign, meta: hidden.isMeta)
                }
                contentToPosition = try index(sign: 1)
                positionToContent = try index(sign: -1)
            }
            let paddedKeys = try attentionMask?.paddingMask()
            let context = DebertaV2AttentionContext(relativeEmbeddings: embeddings, contentToPositionIndex: contentToPosition,
                                                    positionToContentIndex: positionToContent,
                                                    paddedKeys: paddedKeys, paddedQueries: try paddedKeys?.transpose(2, 3))
            return try layers.items.reduce(hidden) { try $1($0, context: context) }
        }
    }
}

/// `DebertaV2Model`: embeddings and the encoder. Returns `last_hidden_state`.
public final class DebertaV2Model: Module, TransformerModel {
    @ModuleInfo(key: "embeddings") var embeddings: DebertaV2Embeddings
    @ModuleInfo(key: "encoder") var encoder: DebertaV2Encoder

    init(_ config: DebertaV2Configuration) {
        super.init(typeName: "DebertaV2Model")
        embeddings = DebertaV2Embeddings(config)
        encoder = DebertaV2Encoder(config)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specsWithTokenTypes }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped {
            let tokens = try TokenInputs(inputs, of: self)
            return try encoder(embeddings(tokens), attentionMask: tokens.attentionMask)
        }
    }
}

/// `ContextPooler`: the first token through dropout, `dense` and `pooler_hidden_act` (a function call).
final class ContextPooler: Module {
    let activation: Activation.Function
    @ModuleInfo(key: "dense") var dense: Linear
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: DebertaV2Configuration) {
        activation = config.poolerHiddenAct.function
        super.init(typeName: "ContextPooler")
        dense = Linear(inFeatures: config.poolerHiddenSize, outFeatures: config.poolerHiddenSize)
        dropout = Dropout(probability: config.poolerDropout)
    }

    func callAsFunction(_ hidden: Tensor) throws -> Tensor {
        try scoped { try activation(dense(dropout(hidden.select(1, 0)))) }
    }
}

/// `DebertaV2ForSequenceClassification`: `DebertaV2Model`, `ContextPooler`, dropout and the
/// `classifier` Linear. Returns logits `[batch, num_labels]`.
public final class DebertaV2ForSequenceClassification: Module, TransformerModel {
    @ModuleInfo(key: "deberta") var deberta: DebertaV2Model
    @ModuleInfo(key: "pooler") var pooler: ContextPooler
    @ModuleInfo(key: "classifier") var classifier: Linear
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: DebertaV2Configuration) {
        super.init(typeName: "DebertaV2ForSequenceClassification")
        deberta = DebertaV2Model(config)
        pooler = ContextPooler(config)
        classifier = Linear(inFeatures: config.hiddenSize, outFeatures: config.labelCount)
        dropout = Dropout(probability: config.classifierDropout)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specsWithTokenTypes }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped { try classifier(dropout(pooler(deberta.forward(inputs)))) }
    }
}
