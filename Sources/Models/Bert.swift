import Foundation
import Tensor
import Tracer

// The BERT family: BERT, RoBERTa and ELECTRA share one encoder (the same math, module names and
// order); they differ in the class-name prefix, RoBERTa's position ids and embedding order,
// ELECTRA's narrower embeddings with `embeddings_project`, and the sequence-classification head.
// One set of module classes serves all three, parameterised by `BertFamily`.

/// A member of the BERT family.
public enum BertFamily: String, Sendable, CaseIterable {
    case bert, roberta, electra

    /// The `model_type` in `config.json`, also the name the full models keep the base model under.
    public var modelType: String { rawValue }

    /// The prefix of every Hugging Face class name of this family (`Roberta` in `RobertaSelfAttention`).
    public var classPrefix: String {
        switch self {
        case .bert: "Bert"
        case .roberta: "Roberta"
        case .electra: "Electra"
        }
    }

    /// The Hugging Face class name `classPrefix + suffix`.
    func className(_ suffix: String) -> String { classPrefix + suffix }

    /// The base model class (`BertModel`) and the heads slimtrace builds, base first.
    var classNames: [String] { [className("Model"), className("ForSequenceClassification")] }
}

/// `config.json` of a BERT, RoBERTa or ELECTRA checkpoint. Absent keys take the defaults of the
/// family's Hugging Face config class (chosen by `model_type`).
public struct BertConfiguration: Codable, Sendable {
    public var modelType: String
    public var vocabSize: Int
    public var hiddenSize: Int
    /// Width of the embeddings: ELECTRA's `embedding_size`, `hidden_size` for BERT and RoBERTa.
    public var embeddingSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var hiddenAct: String
    public var hiddenDropoutProb: Double
    public var attentionProbsDropoutProb: Double
    /// The classification head's dropout; `hidden_dropout_prob` when null.
    public var classifierDropout: Double?
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Double
    public var padTokenId: Int?
    public var isDecoder: Bool
    /// Classifier outputs: the size of `id2label` when given, else `num_labels`, else 2 (as Hugging Face).
    public var numLabels: Int

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case embeddingSize = "embedding_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
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
        case numLabels = "num_labels"
        case id2label
    }

    /// The family `model_type` names (BERT's defaults for any other).
    public var family: BertFamily { BertFamily(rawValue: modelType) ?? .bert }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelType = try c.decode(String.self, forKey: .modelType)
        let family = BertFamily(rawValue: modelType) ?? .bert
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? (family == .roberta ? 50265 : 30522)
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? (family == .electra ? 256 : 768)
        embeddingSize = family == .electra ? try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? 128 : hiddenSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? 12
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? (family == .electra ? 4 : 12)
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? (family == .electra ? 1024 : 3072)
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
        hiddenDropoutProb = try c.decodeIfPresent(Double.self, forKey: .hiddenDropoutProb) ?? 0.1
        attentionProbsDropoutProb = try c.decodeIfPresent(Double.self, forKey: .attentionProbsDropoutProb) ?? 0.1
        classifierDropout = try c.decodeIfPresent(Double.self, forKey: .classifierDropout)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 512
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? 1e-12
        padTokenId = c.contains(.padTokenId) ? try c.decodeIfPresent(Int.self, forKey: .padTokenId) : (family == .roberta ? 1 : 0)
        isDecoder = try c.decodeIfPresent(Bool.self, forKey: .isDecoder) ?? false
        if let labels = try c.decodeIfPresent([String: String].self, forKey: .id2label) {
            numLabels = labels.count
        } else {
            numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels) ?? 2
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modelType, forKey: .modelType)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        if family == .electra { try c.encode(embeddingSize, forKey: .embeddingSize) }
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
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
        try c.encode(numLabels, forKey: .numLabels)
    }

    /// Width of one attention head.
    var headSize: Int { hiddenSize / numAttentionHeads }

    /// Decodes and checks the config of `file` (sizes positive, heads dividing `hidden_size`, a
    /// supported activation, an encoder); errors name the file and the key.
    static func load(_ file: ConfigFile) throws -> BertConfiguration {
        let config = try file.decode(BertConfiguration.self)
        try file.requireTableSize(["vocab_size": config.vocabSize, "max_position_embeddings": config.maxPositionEmbeddings,
                                   "type_vocab_size": config.typeVocabSize])
        try file.requirePositive(["hidden_size": config.hiddenSize, "embedding_size": config.embeddingSize,
                                  "num_hidden_layers": config.numHiddenLayers, "num_attention_heads": config.numAttentionHeads,
                                  "intermediate_size": config.intermediateSize, "num_labels": config.numLabels])
        try file.requireLayerCount("num_hidden_layers", config.numHiddenLayers)
        try file.requireDivisible("hidden_size", config.hiddenSize, by: "num_attention_heads", config.numAttentionHeads)
        try file.requireSupportedActivation("hidden_act", config.hiddenAct)
        try file.require(!config.isDecoder, "is_decoder", "must be false: slimtrace builds the \(config.family.classPrefix) encoder only")
        if config.family == .roberta {
            try file.require(config.padTokenId != nil, "pad_token_id", "must be set: RoBERTa numbers positions after the padding id")
        }
        return config
    }
}

/// The three families' `Architecture`s share everything but `family`.
public protocol BertFamilyArchitecture: Architecture {
    static var family: BertFamily { get }
}

extension BertFamilyArchitecture {
    public static var modelTypes: [String] { [family.modelType] }
    public static var classNames: [String] { family.classNames }
    public static func basePrefix(modelType: String) -> String { family.modelType }

    public static func build(className: String, config file: ConfigFile) throws -> any TransformerModel {
        let config = try BertConfiguration.load(file)
        switch className {
        case family.classNames[0]: return BertModel(config, addPoolingLayer: true)
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

/// `model_type` `electra`: `ElectraModel`, `ElectraForSequenceClassification`.
public enum ElectraArchitecture: BertFamilyArchitecture {
    public static let family = BertFamily.electra
}

/// `BertEmbeddings` / `RobertaEmbeddings` / `ElectraEmbeddings`: word + token type + position
/// embeddings, LayerNorm, dropout. RoBERTa registers its position table last and numbers
/// positions from `pad_token_id + 1`, skipping padding tokens.
final class BertEmbeddings: Module {
    let family: BertFamily
    let paddingIndex: Int
    let maxPositions: Int
    let wordEmbeddings: Embedding
    let positionEmbeddings: Embedding
    let tokenTypeEmbeddings: Embedding
    let layerNorm: LayerNorm
    let dropout: Dropout

    init(_ config: BertConfiguration) {
        family = config.family
        paddingIndex = config.padTokenId ?? 0
        maxPositions = config.maxPositionEmbeddings
        let width = config.embeddingSize
        wordEmbeddings = Embedding(count: config.vocabSize, dimension: width)
        positionEmbeddings = Embedding(count: config.maxPositionEmbeddings, dimension: width)
        tokenTypeEmbeddings = Embedding(count: config.typeVocabSize, dimension: width)
        layerNorm = LayerNorm(dimension: width, eps: config.layerNormEps)
        dropout = Dropout(probability: config.hiddenDropoutProb)
        super.init(typeName: config.family.className("Embeddings"))
        register("word_embeddings", wordEmbeddings)
        if family != .roberta { register("position_embeddings", positionEmbeddings) }
        register("token_type_embeddings", tokenTypeEmbeddings)
        register("LayerNorm", layerNorm)
        register("dropout", dropout)
        if family == .roberta { register("position_embeddings", positionEmbeddings) }
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

    /// `0..<length` as `[1, length]` (BERT, ELECTRA); RoBERTa's
    /// `create_position_ids_from_input_ids`: `cumsum(ids != pad) * (ids != pad) + pad`.
    private func positionIds(_ inputIds: Tensor) throws -> Tensor {
        let length = inputIds.shape[1]
        let needed = family == .roberta ? paddingIndex + 1 + length : length
        guard needed <= maxPositions else {
            throw ModelError.invalidInput(name: "input_ids", detail: "\(length) tokens need \(needed) positions, but max_position_embeddings is \(maxPositions)")
        }
        guard family == .roberta else {
            if inputIds.isMeta { return .meta(shape: [1, length], dtype: .i64) }
            return try Tensor(integers: Array(0..<length), shape: [1, length])
        }
        let mask = try inputIds.notEqual(Double(paddingIndex))
        return try (mask.cumsum(axis: 1) * mask + Float(paddingIndex)).to(.i64)
    }
}

/// `BertSelfAttention`: query/key/value projections, scaled dot-product scores, softmax, context.
/// The head size comes from the config (`hidden_size / num_attention_heads`), the number of heads
/// from the query's rows, so a layer whose heads were slimmed away runs with the heads it has.
final class BertSelfAttention: Module {
    let headSize: Int
    let query: Linear
    let key: Linear
    let value: Linear
    let dropout: Dropout

    /// Heads of this layer: the query's output features over the head size.
    var heads: Int { query.outFeatures / headSize }

    init(_ config: BertConfiguration) {
        let heads = config.numAttentionHeads
        headSize = config.headSize
        query = Linear(inFeatures: config.hiddenSize, outFeatures: heads * headSize)
        key = Linear(inFeatures: config.hiddenSize, outFeatures: heads * headSize)
        value = Linear(inFeatures: config.hiddenSize, outFeatures: heads * headSize)
        dropout = Dropout(probability: config.attentionProbsDropoutProb)
        super.init(typeName: config.family.className("SelfAttention"))
        register("query", query)
        register("key", key)
        register("value", value)
        register("dropout", dropout)
    }

    /// `paddingMask` is bool `[batch, 1, 1, keys]`, true at padding (nil: attend everywhere).
    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            let (batch, length) = (hidden.shape[0], hidden.shape[1])
            // `-1`: as many heads as the projections have (`heads`).
            func split(_ projected: Tensor) throws -> Tensor {
                try projected.view([batch, length, -1, headSize]).transpose(1, 2)
            }
            let q = try split(query(hidden)), k = try split(key(hidden)), v = try split(value(hidden))
            var scores = try q.matmul(k.transpose(2, 3)) * Float(1 / Double(headSize).squareRoot())
            if let paddingMask { scores = try scores.maskedFill(paddingMask, value: -.greatestFiniteMagnitude) }
            // Hugging Face's eager attention calls functional dropout (p = 0 in eval), not the module.
            let probabilities = try scores.softmax().dropout(probability: 0)
            let context = try probabilities.matmul(v).transpose(1, 2).contiguous()
            return try context.reshape([batch, length, -1])
        }
    }
}

/// `BertSelfOutput` and `BertOutput`: dense → dropout → LayerNorm(· + residual).
final class BertResidualOutput: Module {
    let dense: Linear
    let layerNorm: LayerNorm
    let dropout: Dropout

    init(_ config: BertConfiguration, inFeatures: Int, typeSuffix: String) {
        dense = Linear(inFeatures: inFeatures, outFeatures: config.hiddenSize)
        layerNorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        dropout = Dropout(probability: config.hiddenDropoutProb)
        super.init(typeName: config.family.className(typeSuffix))
        register("dense", dense)
        register("LayerNorm", layerNorm)
        register("dropout", dropout)
    }

    func callAsFunction(_ hidden: Tensor, residual: Tensor) throws -> Tensor {
        try scoped { try layerNorm(dropout(dense(hidden)) + residual) }
    }
}

/// `BertAttention`: self-attention and its output projection.
final class BertAttention: Module {
    let attention: BertSelfAttention
    let output: BertResidualOutput

    init(_ config: BertConfiguration) {
        attention = BertSelfAttention(config)
        output = BertResidualOutput(config, inFeatures: config.hiddenSize, typeSuffix: "SelfOutput")
        super.init(typeName: config.family.className("Attention"))
        register("self", attention)
        register("output", output)
    }

    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped { try output(attention(hidden, paddingMask: paddingMask), residual: hidden) }
    }
}

/// `BertIntermediate`: dense → activation.
final class BertIntermediate: Module {
    let dense: Linear
    let activation: Activation

    init(_ config: BertConfiguration, activation: Activation) {
        dense = Linear(inFeatures: config.hiddenSize, outFeatures: config.intermediateSize)
        self.activation = activation
        super.init(typeName: config.family.className("Intermediate"))
        register("dense", dense)
        register("intermediate_act_fn", activation)
    }

    func callAsFunction(_ hidden: Tensor) throws -> Tensor {
        try scoped { try activation(dense(hidden)) }
    }
}

/// `BertLayer`: attention, then the feed-forward block.
final class BertLayer: Module {
    let attention: BertAttention
    let intermediate: BertIntermediate
    let output: BertResidualOutput

    init(_ config: BertConfiguration, activation: Activation) {
        attention = BertAttention(config)
        intermediate = BertIntermediate(config, activation: activation)
        output = BertResidualOutput(config, inFeatures: config.intermediateSize, typeSuffix: "Output")
        super.init(typeName: config.family.className("Layer"))
        register("attention", attention)
        register("intermediate", intermediate)
        register("output", output)
    }

    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            let attended = try attention(hidden, paddingMask: paddingMask)
            return try output(intermediate(attended), residual: attended)
        }
    }
}

/// `BertEncoder`: the stack of layers.
final class BertEncoder: Module {
    let layers: ModuleList<BertLayer>

    init(_ config: BertConfiguration) {
        // `hidden_act` was checked by `BertConfiguration.load`.
        layers = ModuleList((0..<config.numHiddenLayers).map { _ in
            BertLayer(config, activation: Activation.huggingFace(config.hiddenAct)!)
        })
        super.init(typeName: config.family.className("Encoder"))
        register("layer", layers)
    }

    func callAsFunction(_ hidden: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped { try layers.items.reduce(hidden) { try $1($0, paddingMask: paddingMask) } }
    }
}

/// `BertPooler`: the first token through dense → tanh.
final class BertPooler: Module {
    let dense: Linear
    let activation: Activation

    init(_ config: BertConfiguration) {
        dense = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        activation = Activation(.tanh, typeName: "Tanh")
        super.init(typeName: config.family.className("Pooler"))
        register("dense", dense)
        register("activation", activation)
    }

    func callAsFunction(_ hidden: Tensor) throws -> Tensor {
        try scoped { try activation(dense(hidden.select(1, 0))) }
    }
}

/// `BertModel` / `RobertaModel` / `ElectraModel`: embeddings (ELECTRA: projected to `hidden_size`
/// when `embedding_size` differs), the encoder and, for BERT and RoBERTa, the pooler. Its forward
/// returns `last_hidden_state`.
public final class BertModel: Module, TransformerModel {
    public let config: BertConfiguration
    let embeddings: BertEmbeddings
    let embeddingsProject: Linear?
    let encoder: BertEncoder
    let pooler: BertPooler?

    /// The base model; `addPoolingLayer` as Hugging Face's (RoBERTa's classifier builds it without;
    /// ELECTRA never has one).
    public init(_ config: BertConfiguration, addPoolingLayer: Bool) {
        self.config = config
        embeddings = BertEmbeddings(config)
        embeddingsProject = config.embeddingSize != config.hiddenSize
            ? Linear(inFeatures: config.embeddingSize, outFeatures: config.hiddenSize) : nil
        encoder = BertEncoder(config)
        pooler = addPoolingLayer && config.family != .electra ? BertPooler(config) : nil
        super.init(typeName: config.family.className("Model"))
        register("embeddings", embeddings)
        if let embeddingsProject { register("embeddings_project", embeddingsProject) }
        register("encoder", encoder)
        if let pooler { register("pooler", pooler) }
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
            let sequence = try encoder(hidden, paddingMask: tokens.attentionMask?.paddingMask())
            return (sequence, try pooler?(sequence))
        }
    }
}

/// `RobertaClassificationHead` / `ElectraClassificationHead`: the first token through dropout →
/// dense → tanh (RoBERTa, a function call) or a GELU module (ELECTRA) → dropout → out_proj.
final class BertClassificationHead: Module {
    let dense: Linear
    let activation: Activation?
    let dropout: Dropout
    let outProj: Linear

    init(_ config: BertConfiguration) {
        dense = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize)
        activation = config.family == .electra ? Activation.huggingFace("gelu") : nil
        dropout = Dropout(probability: config.classifierDropout ?? config.hiddenDropoutProb)
        outProj = Linear(inFeatures: config.hiddenSize, outFeatures: config.numLabels)
        super.init(typeName: config.family.className("ClassificationHead"))
        register("dense", dense)
        if let activation { register("activation", activation) }
        register("dropout", dropout)
        register("out_proj", outProj)
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
/// `ElectraForSequenceClassification`: the base model under the family's prefix and a classifier
/// (BERT: dropout → `classifier` Linear on the pooled output; RoBERTa and ELECTRA: a
/// classification head on the first token). Its forward returns the logits `[batch, num_labels]`.
public final class BertForSequenceClassification: Module, TransformerModel {
    /// BERT classifies the pooler's output; RoBERTa and ELECTRA the first token through a head.
    enum Classifier {
        case pooled(dropout: Dropout, classifier: Linear)
        case head(BertClassificationHead)
    }

    public let config: BertConfiguration
    let base: BertModel
    let classifier: Classifier

    public init(_ config: BertConfiguration) {
        self.config = config
        base = BertModel(config, addPoolingLayer: config.family == .bert)
        classifier = config.family == .bert
            ? .pooled(dropout: Dropout(probability: config.classifierDropout ?? config.hiddenDropoutProb),
                      classifier: Linear(inFeatures: config.hiddenSize, outFeatures: config.numLabels))
            : .head(BertClassificationHead(config))
        super.init(typeName: config.family.className("ForSequenceClassification"))
        register(config.family.modelType, base)
        switch classifier {
        case let .pooled(dropout, linear):
            register("dropout", dropout)
            register("classifier", linear)
        case let .head(head):
            register("classifier", head)
        }
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specsWithTokenTypes }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped {
            let (sequence, pooled) = try base.run(inputs)
            switch classifier {
            case let .pooled(dropout, linear):
                // The base model was built with its pooler, so `pooled` is there.
                return try linear(dropout(pooled!))
            case let .head(head):
                return try head(sequence)
            }
        }
    }
}
