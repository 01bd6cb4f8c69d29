import Formats
import Foundation
import NN
import Tensor

// The BERT family: BERT, RoBERTa, XLM-RoBERTa and ELECTRA share one encoder (the same math,
// module names and order); they differ in the class-name prefix, RoBERTa's position ids and
// embedding order (XLM-RoBERTa is RoBERTa under its own class names, its classifier declared
// before the base model), ELECTRA's narrower embeddings with `embeddings_project`, and the
// sequence-classification head. One set of module classes serves all four, parameterised by
// `BertFamily`.

/// A member of the BERT family.
public enum BertFamily: String, Sendable, CaseIterable {
    case bert, roberta, xlmRoberta = "xlm-roberta", electra

    /// The `model_type` in `config.json`.
    public var modelType: String { rawValue }

    /// The name the full models keep the base model under (`roberta` for XLM-RoBERTa).
    public var baseName: String { self == .xlmRoberta ? "roberta" : rawValue }

    /// True for RoBERTa and XLM-RoBERTa: positions numbered after `pad_token_id`, the position
    /// table assigned last, a classification head on the first token.
    var isRoberta: Bool { self == .roberta || self == .xlmRoberta }

    /// The prefix of every Hugging Face class name of this family (`Roberta` in `RobertaSelfAttention`).
    public var classPrefix: String {
        switch self {
        case .bert: "Bert"
        case .roberta: "Roberta"
        case .xlmRoberta: "XLMRoberta"
        case .electra: "Electra"
        }
    }

    /// The Hugging Face class name `classPrefix + suffix`.
    func className(_ suffix: String) -> String { classPrefix + suffix }
}

/// `config.json` of a BERT, RoBERTa, XLM-RoBERTa or ELECTRA checkpoint. Absent keys take the defaults of the
/// family's Hugging Face config class (chosen by `model_type`).
public struct BertConfiguration: ModelConfiguration, ClassifierConfiguration {
    public var modelType: String
    public var vocabularySize: Int
    public var hiddenSize: Int
    /// Width of the embeddings: ELECTRA's `embedding_size`, `hidden_size` for BERT and RoBERTa.
    public var embeddingSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var hiddenAct: ActivationName
    public var hiddenDropoutProb: Double
    public var attentionProbsDropoutProb: Double
    /// The classification head's dropout; `hidden_dropout_prob` when null.
    public var classifierDropout: Double?
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Double
    public var padTokenId: Int?
    public var isDecoder: Bool
    /// `position_embedding_type`: only `absolute` (or absent) is supported; transformers 5 dropped
    /// `relative_key` and `relative_key_query`.
    public var positionEmbeddingType: String?
    public var id2label: [String: String]?
    public var numLabels: Int?

    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "intermediate_size", heads: .hiddenOverHeads)

    enum CodingKeys: String, ConfigurationKeys {
        case modelType = "model_type"
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case embeddingSize = "embedding_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act"
        case hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case classifierDropout = "classifier_dropout"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps"
        case padTokenId = "pad_token_id"
        case isDecoder = "is_decoder"
        case positionEmbeddingType = "position_embedding_type"
        case id2label
        case numLabels = "num_labels"
    }

    /// The family `model_type` names (BERT's defaults for any other).
    public var family: BertFamily { BertFamily(rawValue: modelType) ?? .bert }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelType = try c.decode(String.self, forKey: .modelType)
        let family = BertFamily(rawValue: modelType) ?? .bert
        vocabularySize = try c.decode(.vocabularySize, default: family == .roberta ? 50265 : 30522)
        hiddenSize = try c.decode(.hiddenSize, default: family == .electra ? 256 : 768)
        embeddingSize = family == .electra ? try c.decode(.embeddingSize, default: 128) : hiddenSize
        layerCount = try c.decode(.layerCount, default: 12)
        headCount = try c.decode(.headCount, default: family == .electra ? 4 : 12)
        intermediateSize = try c.decode(.intermediateSize, default: family == .electra ? 1024 : 3072)
        hiddenAct = try c.decode(.hiddenAct, default: .gelu)
        hiddenDropoutProb = try c.decode(.hiddenDropoutProb, default: 0.1)
        attentionProbsDropoutProb = try c.decode(.attentionProbsDropoutProb, default: 0.1)
        classifierDropout = try c.decodeIfPresent(Double.self, forKey: .classifierDropout)
        maxPositionEmbeddings = try c.decode(.maxPositionEmbeddings, default: 512)
        typeVocabSize = try c.decode(.typeVocabSize, default: 2)
        layerNormEps = try c.decode(.layerNormEps, default: 1e-12)
        padTokenId = c.contains(.padTokenId) ? try c.decodeIfPresent(Int.self, forKey: .padTokenId) : (family.isRoberta ? 1 : 0)
        isDecoder = try c.decode(.isDecoder, default: false)
        positionEmbeddingType = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType)
        id2label = try c.decodeIfPresent([String: String].self, forKey: .id2label)
        numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> {
        [.vocabularySize: vocabularySize, .maxPositionEmbeddings: maxPositionEmbeddings, .typeVocabSize: typeVocabSize]
    }

    /// ELECTRA's embedding width, an encoder, absolute positions, RoBERTa's padding id.
    func validate(in file: ConfigFile) throws {
        try file.requirePositive(["embedding_size": embeddingSize])
        try file.require(!isDecoder, "is_decoder", "must be false: slimtrace builds the \(family.classPrefix) encoder only")
        try file.require(positionEmbeddingType.map { $0 == "absolute" } ?? true, "position_embedding_type",
                         "is \"\(positionEmbeddingType ?? "")\": only \"absolute\" is supported (transformers 5 removed relative_key and relative_key_query, and slimtrace does not run them)")
        if family.isRoberta {
            try file.require(padTokenId != nil, "pad_token_id", "must be set: RoBERTa numbers positions after the padding id")
        }
    }
}

/// `BertEmbeddings` / `RobertaEmbeddings` / `ElectraEmbeddings`: word + token type + position
/// embeddings, LayerNorm, dropout. RoBERTa assigns its position table last and numbers
/// positions from `pad_token_id + 1`, skipping padding tokens.
final class BertEmbeddings: Module {
    let family: BertFamily
    let paddingIndex: Int
    let maxPositions: Int
    @ModuleInfo(key: "word_embeddings") var wordEmbeddings: Embedding
    @ModuleInfo(key: "position_embeddings") var positionEmbeddings: Embedding
    @ModuleInfo(key: "token_type_embeddings") var tokenTypeEmbeddings: Embedding
    @ModuleInfo(key: "LayerNorm") var layerNorm: LayerNorm
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: BertConfiguration) {
        family = config.family
        paddingIndex = config.padTokenId ?? 0
        maxPositions = config.maxPositionEmbeddings
        super.init(typeName: config.family.className("Embeddings"))
        let width = config.embeddingSize
        wordEmbeddings = Embedding(count: config.vocabularySize, dimension: width)
        let positions = Embedding(count: config.maxPositionEmbeddings, dimension: width)
        if !family.isRoberta { positionEmbeddings = positions }
        tokenTypeEmbeddings = Embedding(count: config.typeVocabSize, dimension: width)
        layerNorm = LayerNorm(dimension: width, eps: config.layerNormEps)
        dropout = Dropout(probability: config.hiddenDropoutProb)
        if family.isRoberta { positionEmbeddings = positions }
    }

    func callAsFunction(inputIds: Tensor, tokenTypeIds: Tensor?) throws -> Tensor {
        try scoped {
            let (batch, length) = (inputIds.shape[0], inputIds.shape[1])
            let positionIds = try self.positionIds(inputIds)
            let tokenTypes = tokenTypeIds ?? Tensor.zeros(shape: [batch, length], dtype: .i64, meta: inputIds.isMeta)
            var embeddings = try wordEmbeddings(inputIds) + tokenTypeEmbeddings(tokenTypes)
            embeddings = try embeddings + positionEmbeddings(positionIds)
            return try dropout(layerNorm(embeddings))
        }
    }

    /// `0..<length` as `[1, length]` (BERT, ELECTRA); RoBERTa's `positionIdsAfterPadding`.
    private func positionIds(_ inputIds: Tensor) throws -> Tensor {
        if family.isRoberta { return try Self.positionIdsAfterPadding(inputIds, paddingIndex: paddingIndex, maxPositions: maxPositions) }
        let length = inputIds.shape[1]
        guard length <= maxPositions else {
            throw ModelError.invalidInput(name: "input_ids", detail: "\(length) tokens need \(length) positions, but max_position_embeddings is \(maxPositions)")
        }
        if inputIds.isMeta { return .meta(shape: [1, length], dtype: .i64) }
        return try Tensor(integers: Array(0..<length), shape: [1, length])
    }

    /// RoBERTa's (and MPNet's) `create_position_ids_from_input_ids`: `cumsum(ids != pad) *
    /// (ids != pad) + pad`, checked to fit a table of `maxPositions`.
    static func positionIdsAfterPadding(_ inputIds: Tensor, paddingIndex: Int, maxPositions: Int) throws -> Tensor {
        let length = inputIds.shape[1]
        let needed = paddingIndex + 1 + length
        guard needed <= maxPositions else {
            throw ModelError.invalidInput(name: "input_ids", detail: "\(length) tokens need \(needed) positions, but max_position_embeddings is \(maxPositions)")
        }
        let mask = try inputIds.notEqual(Double(paddingIndex))
        return try (mask.cumsum(axis: 1) * mask + Float(paddingIndex)).to(.i64)
    }
}

/// `BertSelfAttention`: query/key/value projections and `EncoderAttention`. The head size comes
/// from the config (`hidden_size / num_attention_heads`), the number of heads from the query's rows.
final class BertSelfAttention: Module {
    let headSize: Int
    @ModuleInfo(key: "query") var query: Linear
    @ModuleInfo(key: "key") var key: Linear
    @ModuleInfo(key: "value") var value: Linear
    @ModuleInfo(key: "dropout") var dropout: Dropout

    /// Heads of this layer: the query's output features over the head size.
    var heads: Int { query.outFeatures / headSize }

    init(_ config: BertConfiguration) {
        headSize = config.headSize
        super.init(typeName: config.family.className("SelfAttention"))
        let width = config.headCount * headSize
        query = Linear(inFeatures: config.hiddenSize, outFeatures: width)
        key = Linear(inFeatures: config.hiddenSize, outFeatures: width)
        value = Linear(inFeatures: config.hiddenSize, outFeatures: width)
        dropout = Dropout(probability: config.attentionProbsDropoutProb)
    }

    /// `paddingMask` is bool `[batch, 1, 1, keys]`, true at padding (nil: attend everywhere).
    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            try EncoderAttention.context(query: query(hidden), key: key(hidden), value: value(hidden), headSize: headSize, paddingMask: paddingMask)
        }
    }
}

/// `BertSelfOutput` and `BertOutput` (also `MPNetOutput`, `DebertaV2SelfOutput`, ...): dense →
/// dropout → LayerNorm(· + residual).
final class BertResidualOutput: Module {
    @ModuleInfo(key: "dense") var dense: Linear
    @ModuleInfo(key: "LayerNorm") var layerNorm: LayerNorm
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(typeName: String, inFeatures: Int, hiddenSize: Int, eps: Double, dropout probability: Double) {
        super.init(typeName: typeName)
        dense = Linear(inFeatures: inFeatures, outFeatures: hiddenSize)
        layerNorm = LayerNorm(dimension: hiddenSize, eps: eps)
        dropout = Dropout(probability: probability)
    }

    convenience init(_ config: BertConfiguration, inFeatures: Int, typeSuffix: String) {
        self.init(typeName: config.family.className(typeSuffix), inFeatures: inFeatures, hiddenSize: config.hiddenSize,
                  eps: config.layerNormEps, dropout: config.hiddenDropoutProb)
    }

    func callAsFunction(_ hidden: Tensor, residual: Tensor) throws -> Tensor {
        try scoped { try layerNorm(dropout(dense(hidden)) + residual) }
    }
}

/// `BertAttention`: self-attention and its output projection.
final class BertAttention: Module {
    @ModuleInfo(key: "self") var attention: BertSelfAttention
    @ModuleInfo(key: "output") var output: BertResidualOutput

    init(_ config: BertConfiguration) {
        super.init(typeName: config.family.className("Attention"))
        attention = BertSelfAttention(config)
        output = BertResidualOutput(config, inFeatures: config.hiddenSize, typeSuffix: "SelfOutput")
    }

    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped { try output(attention(hidden, paddingMask: paddingMask), residual: hidden) }
    }
}

/// `BertLayer`: attention, then the feed-forward block.
final class BertLayer: Module {
    @ModuleInfo(key: "attention") var attention: BertAttention
    @ModuleInfo(key: "intermediate") var intermediate: Intermediate
    @ModuleInfo(key: "output") var output: BertResidualOutput

    init(_ config: BertConfiguration) {
        super.init(typeName: config.family.className("Layer"))
        attention = BertAttention(config)
        intermediate = Intermediate(typeName: config.family.className("Intermediate"), hiddenSize: config.hiddenSize,
                                    intermediateSize: config.intermediateSize, activation: config.hiddenAct)
        output = BertResidualOutput(config, inFeatures: config.intermediateSize, typeSuffix: "Output")
    }

    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            let attended = try attention(hidden, paddingMask: paddingMask)
            return try output(intermediate(attended), residual: attended)
        }
    }
}

/// `BertModel` / `RobertaModel` / `ElectraModel`: embeddings (ELECTRA: projected to `hidden_size`
/// when `embedding_size` differs), the encoder and, for BERT and RoBERTa, the pooler. Its forward
/// returns `last_hidden_state`.
public final class BertModel: Module, TransformerModel {
    public let config: BertConfiguration
    @ModuleInfo(key: "embeddings") var embeddings: BertEmbeddings
    @ModuleInfo(key: "embeddings_project") var embeddingsProject: Linear?
    @ModuleInfo(key: "encoder") var encoder: LayerStack<BertLayer>
    @ModuleInfo(key: "pooler") var pooler: Pooler?

    /// The base model with `pooler` (nil: none, as Hugging Face's `add_pooling_layer=False`).
    init(_ config: BertConfiguration, pooler: Pooler?) {
        self.config = config
        super.init(typeName: config.family.className("Model"))
        embeddings = BertEmbeddings(config)
        embeddingsProject = config.embeddingSize != config.hiddenSize
            ? Linear(inFeatures: config.embeddingSize, outFeatures: config.hiddenSize) : nil
        encoder = LayerStack(typeName: config.family.className("Encoder"), (0..<config.layerCount).map { _ in BertLayer(config) })
        self.pooler = pooler
    }

    /// The base model a checkpoint holds: with its pooler (BERT and RoBERTa; ELECTRA has none)
    /// unless the checkpoint has weights but no `pooler.dense.weight` (saved with
    /// `add_pooling_layer=False`).
    convenience init(_ config: BertConfiguration, source: ModelSource) {
        self.init(config, pooler: config.family != .electra && source.mayHold("pooler.dense.weight") ? Self.pooler(config) : nil)
    }

    /// `BertPooler` / `RobertaPooler`: the first token through `dense → tanh`.
    static func pooler(_ config: BertConfiguration) -> Pooler {
        Pooler(typeName: config.family.className("Pooler"), hiddenSize: config.hiddenSize, outputSize: config.hiddenSize, activation: .tanh)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specsWithTokenTypes }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try run(inputs) { sequence in
            _ = try pooler?(sequence)
            return sequence
        }
    }

    /// The sequence output through `finish`, inside this module, as Hugging Face's forward runs
    /// the pooler there (`finish` calls it).
    func run<Output>(_ inputs: ModelInputs, finish: (Tensor) throws -> Output) throws -> Output {
        try scoped {
            let tokens = try TokenInputs(inputs, of: self)
            var hidden = try embeddings(inputIds: tokens.ids, tokenTypeIds: tokens.tokenTypeIds)
            if let embeddingsProject { hidden = try embeddingsProject(hidden) }
            let paddingMask = try tokens.attentionMask?.paddingMask()
            return try finish(encoder(hidden) { try $0($1, paddingMask: paddingMask) })
        }
    }
}

/// `RobertaClassificationHead` / `ElectraClassificationHead` / `MPNetClassificationHead`: the
/// first token through dropout → dense → tanh (a function call) or a GELU module (ELECTRA) →
/// dropout → out_proj.
final class BertClassificationHead: Module {
    @ModuleInfo(key: "dense") var dense: Linear
    @ModuleInfo(key: "activation") var activation: Activation?
    @ModuleInfo(key: "dropout") var dropout: Dropout
    @ModuleInfo(key: "out_proj") var outProj: Linear

    /// `activation` is ELECTRA's module; nil applies tanh as a function.
    init(typeName: String, hiddenSize: Int, labels: Int, dropout probability: Double, activation: ActivationName? = nil) {
        super.init(typeName: typeName)
        dense = Linear(inFeatures: hiddenSize, outFeatures: hiddenSize)
        self.activation = activation.map { Activation($0) }
        dropout = Dropout(probability: probability)
        outProj = Linear(inFeatures: hiddenSize, outFeatures: labels)
    }

    convenience init(_ config: BertConfiguration) {
        self.init(typeName: config.family.className("ClassificationHead"), hiddenSize: config.hiddenSize, labels: config.labelCount,
                  dropout: config.classifierDropout ?? config.hiddenDropoutProb, activation: config.family == .electra ? .gelu : nil)
    }

    func callAsFunction(_ features: Tensor) throws -> Tensor {
        try scoped {
            let projected = try dense(dropout(features.select(1, 0)))
            let activated = try activation.map { try $0(projected) } ?? projected.tanh()
            return try outProj(dropout(activated))
        }
    }
}

/// `BertForSequenceClassification` / `RobertaForSequenceClassification` /
/// `XLMRobertaForSequenceClassification` / `ElectraForSequenceClassification`: the base model
/// under the family's prefix and a classifier (BERT: dropout → `classifier` Linear on the pooled
/// output; the others: a classification head on the first token, XLM-RoBERTa's declared before
/// the base model). Its forward returns the logits `[batch, num_labels]`.
public final class BertForSequenceClassification: Module, TransformerModel {
    public let config: BertConfiguration
    /// The base model, under the family's `baseName` (`bert`, `roberta`, `electra`).
    @ModuleInfo var base: BertModel
    /// BERT's dropout before its `classifier` Linear.
    @ModuleInfo(key: "dropout") var dropout: Dropout?
    /// BERT's classifier on the pooled output.
    @ModuleInfo(key: "classifier") var pooledClassifier: Linear?
    /// RoBERTa's, XLM-RoBERTa's and ELECTRA's classifier on the first token.
    @ModuleInfo(key: "classifier") var head: BertClassificationHead?
    /// How the logits are computed from the modules above (and the base model's pooler).
    private let classifier: Classifier

    private enum Classifier {
        /// BERT: `classifier(dropout(pooler(sequence)))`.
        case pooled(Pooler, Dropout, Linear)
        /// RoBERTa, ELECTRA: `head(sequence)`.
        case firstToken(BertClassificationHead)
    }

    public init(_ config: BertConfiguration) {
        self.config = config
        _base = ModuleInfo(key: config.family.baseName)
        classifier = config.family == .bert
            ? .pooled(BertModel.pooler(config), Dropout(probability: config.classifierDropout ?? config.hiddenDropoutProb),
                      Linear(inFeatures: config.hiddenSize, outFeatures: config.labelCount))
            : .firstToken(BertClassificationHead(config))
        super.init(typeName: config.family.className("ForSequenceClassification"))
        switch classifier {
        case let .pooled(pooler, dropout, linear):
            base = BertModel(config, pooler: pooler)
            self.dropout = dropout
            pooledClassifier = linear
        case let .firstToken(head) where config.family == .xlmRoberta:
            // XLM-RoBERTa declares its classifier before the base model.
            self.head = head
            base = BertModel(config, pooler: nil)
        case let .firstToken(head):
            base = BertModel(config, pooler: nil)
            self.head = head
        }
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specsWithTokenTypes }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped {
            switch classifier {
            case let .pooled(pooler, dropout, linear):
                return try linear(dropout(base.run(inputs) { try pooler($0) }))
            case let .firstToken(head):
                return try head(base.run(inputs) { $0 })
            }
        }
    }
}
