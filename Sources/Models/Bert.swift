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

    /// The base model class (`BertModel`) and the heads slimtrace builds, base first.
    var classNames: [String] { [className("Model"), className("ForSequenceClassification")] }
}

/// `config.json` of a BERT, RoBERTa, XLM-RoBERTa or ELECTRA checkpoint. Absent keys take the defaults of the
/// family's Hugging Face config class (chosen by `model_type`).
public struct BertConfiguration: Codable, Sendable {
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
    /// Classifier outputs: the size of `id2label` when given, else `num_labels`, else 2 (as Hugging Face).
    public var numLabels: Int

    enum CodingKeys: String, CodingKey {
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
        case numLabels = "num_labels"
        case id2label
    }

    /// The family `model_type` names (BERT's defaults for any other).
    public var family: BertFamily { BertFamily(rawValue: modelType) ?? .bert }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelType = try c.decode(String.self, forKey: .modelType)
        let family = BertFamily(rawValue: modelType) ?? .bert
        vocabularySize = try c.decodeIfPresent(Int.self, forKey: .vocabularySize) ?? (family == .roberta ? 50265 : 30522)
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? (family == .electra ? 256 : 768)
        embeddingSize = family == .electra ? try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? 128 : hiddenSize
        layerCount = try c.decodeIfPresent(Int.self, forKey: .layerCount) ?? 12
        headCount = try c.decodeIfPresent(Int.self, forKey: .headCount) ?? (family == .electra ? 4 : 12)
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? (family == .electra ? 1024 : 3072)
        hiddenAct = try c.decodeIfPresent(ActivationName.self, forKey: .hiddenAct) ?? .gelu
        hiddenDropoutProb = try c.decodeIfPresent(Double.self, forKey: .hiddenDropoutProb) ?? 0.1
        attentionProbsDropoutProb = try c.decodeIfPresent(Double.self, forKey: .attentionProbsDropoutProb) ?? 0.1
        classifierDropout = try c.decodeIfPresent(Double.self, forKey: .classifierDropout)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 512
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? 1e-12
        padTokenId = c.contains(.padTokenId) ? try c.decodeIfPresent(Int.self, forKey: .padTokenId) : (family.isRoberta ? 1 : 0)
        isDecoder = try c.decodeIfPresent(Bool.self, forKey: .isDecoder) ?? false
        positionEmbeddingType = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType)
        if let labels = try c.decodeIfPresent([String: String].self, forKey: .id2label) {
            numLabels = labels.count
        } else {
            numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels) ?? 2
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modelType, forKey: .modelType)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        if family == .electra { try c.encode(embeddingSize, forKey: .embeddingSize) }
        try c.encode(layerCount, forKey: .layerCount)
        try c.encode(headCount, forKey: .headCount)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(hiddenDropoutProb, forKey: .hiddenDropoutProb)
        try c.encode(attentionProbsDropoutProb, forKey: .attentionProbsDropoutProb)
        try c.encode(classifierDropout, forKey: .classifierDropout)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(typeVocabSize, forKey: .typeVocabSize)
        try c.encode(layerNormEps, forKey: .layerNormEps)
        try c.encode(padTokenId, forKey: .padTokenId)
        try c.encode(isDecoder, forKey: .isDecoder)
        try c.encodeIfPresent(positionEmbeddingType, forKey: .positionEmbeddingType)
        try c.encode(numLabels, forKey: .numLabels)
    }

    /// Width of one attention head.
    var headSize: Int { hiddenSize / headCount }

    /// Decodes and checks the config of `file` (sizes positive, heads dividing `hidden_size`, a
    /// supported activation, an encoder); errors name the file and the key.
    static func load(_ file: ConfigFile) throws -> BertConfiguration {
        let config = try file.decode(BertConfiguration.self)
        try file.requireTableSize(["vocab_size": config.vocabularySize, "max_position_embeddings": config.maxPositionEmbeddings,
                                   "type_vocab_size": config.typeVocabSize])
        try file.requirePositive(["hidden_size": config.hiddenSize, "embedding_size": config.embeddingSize,
                                  "num_hidden_layers": config.layerCount, "num_attention_heads": config.headCount,
                                  "intermediate_size": config.intermediateSize, "num_labels": config.numLabels])
        try file.requireLayerCount("num_hidden_layers", config.layerCount)
        try file.requireDivisible("hidden_size", config.hiddenSize, by: "num_attention_heads", config.headCount)
        try file.require(!config.isDecoder, "is_decoder", "must be false: slimtrace builds the \(config.family.classPrefix) encoder only")
        try file.require(config.positionEmbeddingType.map { $0 == "absolute" } ?? true, "position_embedding_type",
                         "is \"\(config.positionEmbeddingType ?? "")\": only \"absolute\" is supported (transformers 5 removed relative_key and relative_key_query, and slimtrace does not run them)")
        if config.family.isRoberta {
            try file.require(config.padTokenId != nil, "pad_token_id", "must be set: RoBERTa numbers positions after the padding id")
        }
        return config
    }
}

/// The four families' `Architecture`s share everything but `family`.
public protocol BertFamilyArchitecture: Architecture {
    static var family: BertFamily { get }
}

extension BertFamilyArchitecture {
    public static var modelTypes: [String] { [family.modelType] }
    public static var classNames: [String] { family.classNames }
    public static func basePrefix(modelType: String) -> String { family.baseName }

    public static func build(className: String, config file: ConfigFile) throws -> any TransformerModel {
        try build(className: className, config: file, parameterNames: [])
    }

    /// The base model is built without its pooler when the checkpoint has weights but no
    /// `pooler.dense.weight` (saved with `add_pooling_layer=False`), as Hugging Face's is.
    public static func build(className: String, config file: ConfigFile, parameterNames: Set<String>) throws -> any TransformerModel {
        let config = try BertConfiguration.load(file)
        switch className {
        case family.classNames[0]:
            return BertModel(config, addPoolingLayer: parameterNames.isEmpty || parameterNames.contains("pooler.dense.weight"))
        case family.classNames[1]: return BertForSequenceClassification(config)
        default: throw ModelError.unsupportedArchitecture(className, modelType: file.modelType, supported: classNames)
        }
    }
}

/// `model_type` `bert`: `BertModel`, `BertForSequenceClassification`.
public enum BertArchitecture: BertFamilyArchitecture {
    public static let family = BertFamily.bert
}

/// `model_type` `roberta`: `RobertaModel`, `RobertaForSequenceClassification`.
public enum RobertaArchitecture: BertFamilyArchitecture {
    public static let family = BertFamily.roberta
}

/// `model_type` `xlm-roberta`: `XLMRobertaModel`, `XLMRobertaForSequenceClassification`.
public enum XLMRobertaArchitecture: BertFamilyArchitecture {
    public static let family = BertFamily.xlmRoberta
}

/// `model_type` `electra`: `ElectraModel`, `ElectraForSequenceClassification`.
public enum ElectraArchitecture: BertFamilyArchitecture {
    public static let family = BertFamily.electra
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

    /// The base model; `addPoolingLayer` as Hugging Face's (RoBERTa's classifier builds it without;
    /// ELECTRA never has one).
    public init(_ config: BertConfiguration, addPoolingLayer: Bool) {
        self.config = config
        super.init(typeName: config.family.className("Model"))
        embeddings = BertEmbeddings(config)
        embeddingsProject = config.embeddingSize != config.hiddenSize
            ? Linear(inFeatures: config.embeddingSize, outFeatures: config.hiddenSize) : nil
        encoder = LayerStack(typeName: config.family.className("Encoder"), (0..<config.layerCount).map { _ in BertLayer(config) })
        pooler = addPoolingLayer && config.family != .electra
            ? Pooler(typeName: config.family.className("Pooler"), hiddenSize: config.hiddenSize, outputSize: config.hiddenSize, activation: .tanh)
            : nil
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specsWithTokenTypes }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try run(inputs).lastHiddenState
    }

    /// The sequence output and, when there is a pooler, the pooled first token.
    func run(_ inputs: ModelInputs) throws -> (lastHiddenState: Tensor, pooled: Tensor?) {
        try scoped {
            let tokens = try TokenInputs(inputs, of: self)
            var hidden = try embeddings(inputIds: tokens.ids, tokenTypeIds: tokens.tokenTypeIds)
            if let embeddingsProject { hidden = try embeddingsProject(hidden) }
            let paddingMask = try tokens.attentionMask?.paddingMask()
            let sequence = try encoder(hidden) { try $0($1, paddingMask: paddingMask) }
            return (sequence, try pooler?(sequence))
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
        self.init(typeName: config.family.className("ClassificationHead"), hiddenSize: config.hiddenSize, labels: config.numLabels,
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

    public init(_ config: BertConfiguration) {
        self.config = config
        _base = ModuleInfo(key: config.family.baseName)
        super.init(typeName: config.family.className("ForSequenceClassification"))
        let headFirst = config.family == .xlmRoberta
        if headFirst { head = BertClassificationHead(config) }
        base = BertModel(config, addPoolingLayer: config.family == .bert)
        let pooled = config.family == .bert
        dropout = pooled ? Dropout(probability: config.classifierDropout ?? config.hiddenDropoutProb) : nil
        pooledClassifier = pooled ? Linear(inFeatures: config.hiddenSize, outFeatures: config.numLabels) : nil
        if !headFirst { head = pooled ? nil : BertClassificationHead(config) }
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specsWithTokenTypes }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped {
            let (sequence, pooled) = try base.run(inputs)
            if let head { return try head(sequence) }
            guard let dropout, let pooledClassifier, let pooled else {
                throw ModelError.missingInput(name: "pooler output", model: typeName)
            }
            return try pooledClassifier(dropout(pooled))
        }
    }
}
