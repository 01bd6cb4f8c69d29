import Formats
import Foundation
import NN
import Tensor

/// The keys of a DistilBERT `config.json` slimtrace reads, with Hugging Face's
/// `DistilBertConfig` defaults for absent ones.
public struct DistilBertConfiguration: ModelConfiguration, ClassifierConfiguration, Equatable {
    public var vocabularySize: Int
    public var maxPositionEmbeddings: Int
    /// True when the position table holds fixed sinusoids; the checkpoint stores the table either
    /// way, so the forward pass is the same.
    public var sinusoidalPositionEmbeddings: Bool
    public var layerCount: Int
    public var headCount: Int
    /// The hidden size (`dim`).
    public var hiddenSize: Int
    /// The feed-forward width (`hidden_dim`).
    public var intermediateSize: Int
    public var dropout: Double
    public var attentionDropout: Double
    /// The feed-forward activation.
    public var activation: ActivationName
    public var sequenceClassificationDropout: Double
    public var id2label: [String: String]?
    public var numLabels: Int?

    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "hidden_dim", heads: .derived("dim / n_heads"))

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case sinusoidalPositionEmbeddings = "sinusoidal_pos_embds"
        case layerCount = "n_layers"
        case headCount = "n_heads"
        case hiddenSize = "dim"
        case intermediateSize = "hidden_dim"
        case dropout
        case attentionDropout = "attention_dropout"
        case activation
        case sequenceClassificationDropout = "seq_classif_dropout"
        case id2label
        case numLabels = "num_labels"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 30522)
        maxPositionEmbeddings = try c.decode(.maxPositionEmbeddings, default: 512)
        sinusoidalPositionEmbeddings = try c.decode(.sinusoidalPositionEmbeddings, default: false)
        layerCount = try c.decode(.layerCount, default: 6)
        headCount = try c.decode(.headCount, default: 12)
        hiddenSize = try c.decode(.hiddenSize, default: 768)
        intermediateSize = try c.decode(.intermediateSize, default: 3072)
        dropout = try c.decode(.dropout, default: 0.1)
        attentionDropout = try c.decode(.attentionDropout, default: 0.1)
        activation = try c.decode(.activation, default: .gelu)
        sequenceClassificationDropout = try c.decode(.sequenceClassificationDropout, default: 0.2)
        id2label = try c.decodeIfPresent([String: String].self, forKey: .id2label)
        numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize, .maxPositionEmbeddings: maxPositionEmbeddings] }
}

/// Word and learned position embeddings, summed, then LayerNorm and dropout (HF `Embeddings`).
final class DistilBertEmbeddings: Module {
    @ModuleInfo(key: "word_embeddings") var wordEmbeddings: Embedding
    @ModuleInfo(key: "position_embeddings") var positionEmbeddings: Embedding
    @ModuleInfo(key: "LayerNorm") var layerNorm: LayerNorm
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: DistilBertConfiguration) {
        super.init(typeName: "Embeddings")
        wordEmbeddings = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        positionEmbeddings = Embedding(count: config.maxPositionEmbeddings, dimension: config.hiddenSize)
        layerNorm = LayerNorm(dimension: config.hiddenSize, eps: 1e-12)
        dropout = Dropout(probability: config.dropout)
    }

    /// `[batch, length]` token ids to `[batch, length, dim]`; positions are `0..<length`.
    func callAsFunction(_ inputIDs: Tensor) throws -> Tensor {
        try scoped {
            let length = inputIDs.shape[1]
            guard length <= positionEmbeddings.count else {
                throw ModelError.invalidInput(name: "input_ids", detail: "\(length) tokens exceed max_position_embeddings (\(positionEmbeddings.count))")
            }
            let positionIDs = inputIDs.isMeta
                ? Tensor.meta(shape: [1, length], dtype: .i64)
                : try Tensor(integers: Array(0..<length), shape: [1, length])
            let embeddings = try wordEmbeddings(inputIDs) + positionEmbeddings(positionIDs)
            return try dropout(layerNorm(embeddings))
        }
    }
}

/// Multi-head self-attention with `q_lin`, `k_lin`, `v_lin` and the output projection `out_lin`
/// (HF `DistilBertSelfAttention`), computed by `EncoderAttention`. The head size comes from the
/// config (`dim / n_heads`), the number of heads from the query's rows.
final class DistilBertSelfAttention: Module {
    let headSize: Int
    @ModuleInfo(key: "q_lin") var qLin: Linear
    @ModuleInfo(key: "k_lin") var kLin: Linear
    @ModuleInfo(key: "v_lin") var vLin: Linear
    @ModuleInfo(key: "out_lin") var outLin: Linear
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: DistilBertConfiguration) {
        headSize = config.headSize
        super.init(typeName: "DistilBertSelfAttention")
        qLin = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        kLin = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        vLin = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        outLin = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        dropout = Dropout(probability: config.attentionDropout)
    }

    /// `[batch, length, dim]` to the same shape; `paddingMask` (bool `[batch, 1, 1, length]`,
    /// true at padding) hides padded keys.
    func callAsFunction(_ hiddenStates: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            try outLin(EncoderAttention.context(query: qLin(hiddenStates), key: kLin(hiddenStates), value: vLin(hiddenStates),
                                                headSize: headSize, paddingMask: paddingMask))
        }
    }
}

/// The feed-forward block `lin1 → activation → lin2 → dropout` (HF `FFN`).
final class DistilBertFFN: Module {
    @ModuleInfo(key: "dropout") var dropout: Dropout
    @ModuleInfo(key: "lin1") var lin1: Linear
    @ModuleInfo(key: "lin2") var lin2: Linear
    @ModuleInfo(key: "activation") var activation: Activation

    init(_ config: DistilBertConfiguration) {
        super.init(typeName: "FFN")
        dropout = Dropout(probability: config.dropout)
        lin1 = Linear(inFeatures: config.hiddenSize, outFeatures: config.intermediateSize)
        lin2 = Linear(inFeatures: config.intermediateSize, outFeatures: config.hiddenSize)
        activation = Activation(config.activation)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try dropout(lin2(activation(lin1(x)))) }
    }
}

/// One post-norm layer: attention, add & `sa_layer_norm`, FFN, add & `output_layer_norm`
/// (HF `TransformerBlock`).
final class DistilBertTransformerBlock: Module {
    @ModuleInfo(key: "attention") var attention: DistilBertSelfAttention
    @ModuleInfo(key: "sa_layer_norm") var saLayerNorm: LayerNorm
    @ModuleInfo(key: "ffn") var ffn: DistilBertFFN
    @ModuleInfo(key: "output_layer_norm") var outputLayerNorm: LayerNorm

    init(_ config: DistilBertConfiguration) {
        super.init(typeName: "TransformerBlock")
        attention = DistilBertSelfAttention(config)
        saLayerNorm = LayerNorm(dimension: config.hiddenSize, eps: 1e-12)
        ffn = DistilBertFFN(config)
        outputLayerNorm = LayerNorm(dimension: config.hiddenSize, eps: 1e-12)
    }

    func callAsFunction(_ hiddenStates: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            let attended = try saLayerNorm(attention(hiddenStates, paddingMask: paddingMask) + hiddenStates)
            return try outputLayerNorm(ffn(attended) + attended)
        }
    }
}

/// The DistilBERT encoder; as a model it returns `last_hidden_state` `[batch, length, dim]`.
public final class DistilBertModel: Module, TransformerModel {
    @ModuleInfo(key: "embeddings") var embeddings: DistilBertEmbeddings
    /// The layer stack (HF `Transformer`).
    @ModuleInfo(key: "transformer") var transformer: LayerStack<DistilBertTransformerBlock>

    public init(_ config: DistilBertConfiguration) {
        super.init(typeName: "DistilBertModel")
        embeddings = DistilBertEmbeddings(config)
        transformer = LayerStack(typeName: "Transformer", (0..<config.layerCount).map { _ in DistilBertTransformerBlock(config) })
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try callAsFunction(TokenInputs(inputs, of: self))
    }

    /// The encoder on the token ids; without an attention mask every token is attended.
    func callAsFunction(_ tokens: TokenInputs) throws -> Tensor {
        try scoped {
            let paddingMask = try tokens.attentionMask?.paddingMask()
            return try transformer(embeddings(tokens.ids)) { try $0($1, paddingMask: paddingMask) }
        }
    }
}

/// DistilBERT with `pre_classifier → ReLU → dropout → classifier` on the first token; returns
/// logits `[batch, num_labels]`.
public final class DistilBertForSequenceClassification: Module, TransformerModel {
    @ModuleInfo(key: "distilbert") var distilbert: DistilBertModel
    @ModuleInfo(key: "pre_classifier") var preClassifier: Linear
    @ModuleInfo(key: "classifier") var classifier: Linear
    @ModuleInfo(key: "dropout") var dropout: Dropout

    public init(_ config: DistilBertConfiguration) {
        super.init(typeName: "DistilBertForSequenceClassification")
        distilbert = DistilBertModel(config)
        preClassifier = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        classifier = Linear(inFeatures: config.hiddenSize, outFeatures: config.labelCount)
        dropout = Dropout(probability: config.sequenceClassificationDropout)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped {
            let hiddenStates = try distilbert(TokenInputs(inputs, of: self))
            // HF applies a fresh `nn.ReLU()` here, not a registered module: a bare relu op.
            let pooled = try dropout(preClassifier(hiddenStates.select(1, 0)).relu())
            return try classifier(pooled)
        }
    }
}
