import Formats
import Foundation
import NN
import Tensor

// MPNet: a BERT-shaped encoder without token types whose attention adds a relative position bias
// (one learned value per head and T5-style log bucket, in `encoder.relative_attention_bias`,
// shared by every layer) to the scores. Its feed-forward block, residual outputs, pooler and
// classification head are the BERT family's.

/// `config.json` of an MPNet checkpoint, with `MPNetConfig`'s defaults for absent keys.
public struct MPNetConfiguration: ModelConfiguration, ClassifierConfiguration {
    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "intermediate_size", heads: .hiddenOverHeads)

    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var hiddenAct: ActivationName
    public var hiddenDropoutProb: Double
    public var attentionProbsDropoutProb: Double
    public var maxPositionEmbeddings: Int
    public var layerNormEps: Double
    /// Rows of `relative_attention_bias`; Hugging Face buckets positions into 32 whatever this says.
    public var relativeAttentionNumBuckets: Int
    public var id2label: [String: String]?
    public var numLabels: Int?

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act"
        case hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case maxPositionEmbeddings = "max_position_embeddings"
        case layerNormEps = "layer_norm_eps"
        case relativeAttentionNumBuckets = "relative_attention_num_buckets"
        case numLabels = "num_labels"
        case id2label
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 30527)
        hiddenSize = try c.decode(.hiddenSize, default: 768)
        layerCount = try c.decode(.layerCount, default: 12)
        headCount = try c.decode(.headCount, default: 12)
        intermediateSize = try c.decode(.intermediateSize, default: 3072)
        hiddenAct = try c.decode(.hiddenAct, default: .gelu)
        hiddenDropoutProb = try c.decode(.hiddenDropoutProb, default: 0.1)
        attentionProbsDropoutProb = try c.decode(.attentionProbsDropoutProb, default: 0.1)
        maxPositionEmbeddings = try c.decode(.maxPositionEmbeddings, default: 512)
        layerNormEps = try c.decode(.layerNormEps, default: 1e-12)
        relativeAttentionNumBuckets = try c.decode(.relativeAttentionNumBuckets, default: 32)
        id2label = try c.decodeIfPresent([String: String].self, forKey: .id2label)
        numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> {
        [.vocabularySize: vocabularySize, .maxPositionEmbeddings: maxPositionEmbeddings,
         .relativeAttentionNumBuckets: relativeAttentionNumBuckets]
    }

    /// Enough relative position buckets for the encoder's lookups.
    func validate(in file: ConfigFile) throws {
        try file.require(relativeAttentionNumBuckets >= MPNetEncoder.buckets, "relative_attention_num_buckets",
                         "is \(relativeAttentionNumBuckets): MPNet's encoder looks up \(MPNetEncoder.buckets) position buckets")
    }
}

/// `MPNetEmbeddings`: word + position embeddings (positions numbered after the padding id 1, as
/// RoBERTa's), LayerNorm, dropout.
final class MPNetEmbeddings: Module {
    /// Hugging Face's `MPNetEmbeddings.padding_idx`, fixed whatever `pad_token_id` says.
    static let paddingIndex = 1
    let maxPositions: Int
    @ModuleInfo(key: "word_embeddings") var wordEmbeddings: Embedding
    @ModuleInfo(key: "position_embeddings") var positionEmbeddings: Embedding
    @ModuleInfo(key: "LayerNorm") var layerNorm: LayerNorm
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: MPNetConfiguration) {
        maxPositions = config.maxPositionEmbeddings
        super.init(typeName: "MPNetEmbeddings")
        wordEmbeddings = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        positionEmbeddings = Embedding(count: config.maxPositionEmbeddings, dimension: config.hiddenSize)
        layerNorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        dropout = Dropout(probability: config.hiddenDropoutProb)
    }

    func callAsFunction(_ inputIds: Tensor) throws -> Tensor {
        try scoped {
            let positions = try BertEmbeddings.positionIdsAfterPadding(inputIds, paddingIndex: Self.paddingIndex, maxPositions: maxPositions)
            return try dropout(layerNorm(wordEmbeddings(inputIds) + positionEmbeddings(positions)))
        }
    }
}

/// `MPNetSelfAttention`: q, k, v, the output projection `o`, and `EncoderAttention` with the
/// relative position bias added to the scores.
final class MPNetSelfAttention: Module {
    let headSize: Int
    @ModuleInfo(key: "q") var q: Linear
    @ModuleInfo(key: "k") var k: Linear
    @ModuleInfo(key: "v") var v: Linear
    @ModuleInfo(key: "o") var o: Linear
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: MPNetConfiguration) {
        headSize = config.headSize
        super.init(typeName: "MPNetSelfAttention")
        q = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        k = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        v = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        o = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        dropout = Dropout(probability: config.attentionProbsDropoutProb)
    }

    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?, positionBias: Tensor) throws -> Tensor {
        try scoped {
            try o(EncoderAttention.context(query: q(hidden), key: k(hidden), value: v(hidden), headSize: headSize,
                                           paddingMask: paddingMask, scoreBias: positionBias, probabilityDropout: dropout))
        }
    }
}

/// `MPNetAttention`: self-attention, then LayerNorm(dropout(·) + residual).
final class MPNetAttention: Module {
    @ModuleInfo(key: "attn") var attention: MPNetSelfAttention
    @ModuleInfo(key: "LayerNorm") var layerNorm: LayerNorm
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: MPNetConfiguration) {
        super.init(typeName: "MPNetAttention")
        attention = MPNetSelfAttention(config)
        layerNorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        dropout = Dropout(probability: config.hiddenDropoutProb)
    }

    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?, positionBias: Tensor) throws -> Tensor {
        try scoped { try layerNorm(dropout(attention(hidden, paddingMask: paddingMask, positionBias: positionBias)) + hidden) }
    }
}

/// `MPNetLayer`: attention, then the feed-forward block.
final class MPNetLayer: Module {
    @ModuleInfo(key: "attention") var attention: MPNetAttention
    @ModuleInfo(key: "intermediate") var intermediate: Intermediate
    @ModuleInfo(key: "output") var output: BertResidualOutput

    init(_ config: MPNetConfiguration) {
        super.init(typeName: "MPNetLayer")
        attention = MPNetAttention(config)
        intermediate = Intermediate(typeName: "MPNetIntermediate", hiddenSize: config.hiddenSize,
                                    intermediateSize: config.intermediateSize, activation: config.hiddenAct)
        output = BertResidualOutput(typeName: "MPNetOutput", inFeatures: config.intermediateSize, hiddenSize: config.hiddenSize,
                                    eps: config.layerNormEps, dropout: config.hiddenDropoutProb)
    }

    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?, positionBias: Tensor) throws -> Tensor {
        try scoped {
            let attended = try attention(hidden, paddingMask: paddingMask, positionBias: positionBias)
            return try output(intermediate(attended), residual: attended)
        }
    }
}

/// `MPNetEncoder`: the layers and the relative position bias table `[buckets, heads]` they share.
final class MPNetEncoder: Module {
    /// The buckets `compute_position_bias` uses (its default `num_buckets=32`; the config's
    /// `relative_attention_num_buckets` only sizes the table).
    static let buckets = 32
    /// `relative_position_bucket`'s `max_distance`.
    static let maxDistance = 128
    @ModuleInfo(key: "layer") var layers: ModuleList<MPNetLayer>
    @ModuleInfo(key: "relative_attention_bias") var relativeAttentionBias: Embedding

    init(_ config: MPNetConfiguration) {
        super.init(typeName: "MPNetEncoder")
        layers = ModuleList((0..<config.layerCount).map { _ in MPNetLayer(config) })
        relativeAttentionBias = Embedding(count: config.relativeAttentionNumBuckets, dimension: config.headCount)
    }

    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            let length = hidden.shape[1]
            let buckets = try Tensor.relativePositionBuckets(queryLength: length, keyLength: length, buckets: Self.buckets,
                                                             maxDistance: Self.maxDistance, meta: hidden.isMeta)
            let positionBias = try relativeAttentionBias(buckets).permute([2, 0, 1]).unsqueeze(0)
            return try layers.items.reduce(hidden) { try $1($0, paddingMask: paddingMask, positionBias: positionBias) }
        }
    }
}

/// `MPNetModel`: embeddings, encoder and (when built with it) the pooler. Returns `last_hidden_state`.
public final class MPNetModel: Module, TransformerModel {
    @ModuleInfo(key: "embeddings") var embeddings: MPNetEmbeddings
    @ModuleInfo(key: "encoder") var encoder: MPNetEncoder
    @ModuleInfo(key: "pooler") var pooler: Pooler?

    init(_ config: MPNetConfiguration, addPoolingLayer: Bool) {
        super.init(typeName: "MPNetModel")
        embeddings = MPNetEmbeddings(config)
        encoder = MPNetEncoder(config)
        pooler = addPoolingLayer ? Pooler(typeName: "MPNetPooler", hiddenSize: config.hiddenSize, outputSize: config.hiddenSize, activation: .tanh) : nil
    }

    /// The base model with its pooler unless the checkpoint has weights but no `pooler.dense.weight`.
    convenience init(_ config: MPNetConfiguration, source: ModelSource) {
        self.init(config, addPoolingLayer: source.mayHold("pooler.dense.weight"))
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped {
            let tokens = try TokenInputs(inputs, of: self)
            let sequence = try encoder(embeddings(tokens.ids), paddingMask: tokens.attentionMask?.paddingMask())
            _ = try pooler?(sequence)
            return sequence
        }
    }
}

/// `MPNetForSequenceClassification`: `MPNetModel` without pooler and `MPNetClassificationHead`
/// on the first token. Returns logits `[batch, num_labels]`.
public final class MPNetForSequenceClassification: Module, TransformerModel {
    @ModuleInfo(key: "mpnet") var mpnet: MPNetModel
    @ModuleInfo(key: "classifier") var classifier: BertClassificationHead

    init(_ config: MPNetConfiguration) {
        super.init(typeName: "MPNetForSequenceClassification")
        mpnet = MPNetModel(config, addPoolingLayer: false)
        classifier = BertClassificationHead(typeName: "MPNetClassificationHead", hiddenSize: config.hiddenSize,
                                            labels: config.labelCount, dropout: config.hiddenDropoutProb)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped { try classifier(mpnet.forward(inputs)) }
    }
}
