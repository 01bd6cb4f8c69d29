import Foundation
import Tensor
import Tracer

/// The keys of a DistilBERT `config.json` slimtrace reads, with Hugging Face's
/// `DistilBertConfig` defaults for absent ones.
public struct DistilBertConfiguration: Codable, Sendable, Equatable {
    public var vocabularySize: Int
    public var maxPositionEmbeddings: Int
    /// True when the position table holds fixed sinusoids; the checkpoint stores the table either
    /// way, so the forward pass is the same.
    public var sinusoidalPositionEmbeddings: Bool
    public var layerCount: Int
    public var headCount: Int
    /// The hidden size (`dim`).
    public var dimension: Int
    /// The feed-forward width (`hidden_dim`).
    public var hiddenDimension: Int
    public var dropout: Double
    public var attentionDropout: Double
    /// The feed-forward activation's `ACT2FN` name.
    public var activation: String
    public var sequenceClassificationDropout: Double
    /// Class names by index; its size is the classifier's label count.
    public var id2label: [String: String]?
    /// The classifier's label count when there is no `id2label`.
    public var numLabels: Int?

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case sinusoidalPositionEmbeddings = "sinusoidal_pos_embds"
        case layerCount = "n_layers"
        case headCount = "n_heads"
        case dimension = "dim"
        case hiddenDimension = "hidden_dim"
        case dropout
        case attentionDropout = "attention_dropout"
        case activation
        case sequenceClassificationDropout = "seq_classif_dropout"
        case id2label
        case numLabels = "num_labels"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decodeIfPresent(Int.self, forKey: .vocabularySize) ?? 30522
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 512
        sinusoidalPositionEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .sinusoidalPositionEmbeddings) ?? false
        layerCount = try c.decodeIfPresent(Int.self, forKey: .layerCount) ?? 6
        headCount = try c.decodeIfPresent(Int.self, forKey: .headCount) ?? 12
        dimension = try c.decodeIfPresent(Int.self, forKey: .dimension) ?? 768
        hiddenDimension = try c.decodeIfPresent(Int.self, forKey: .hiddenDimension) ?? 3072
        dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? 0.1
        attentionDropout = try c.decodeIfPresent(Double.self, forKey: .attentionDropout) ?? 0.1
        activation = try c.decodeIfPresent(String.self, forKey: .activation) ?? "gelu"
        sequenceClassificationDropout = try c.decodeIfPresent(Double.self, forKey: .sequenceClassificationDropout) ?? 0.2
        id2label = try c.decodeIfPresent([String: String].self, forKey: .id2label)
        numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels)
    }

    /// The classifier's output count: `id2label`'s size, else `num_labels`, else 2 (as Hugging Face).
    public var labelCount: Int { id2label?.count ?? numLabels ?? 2 }

    /// Decodes and checks the configuration of `file`.
    public static func load(_ file: ConfigFile) throws -> DistilBertConfiguration {
        let config = try file.decode(DistilBertConfiguration.self)
        try file.requirePositive(["dim": config.dimension, "n_heads": config.headCount])
        try file.requireDivisible("dim", config.dimension, by: "n_heads", config.headCount)
        try file.requirePositive(["hidden_dim": config.hiddenDimension])
        try file.requireLayerCount("n_layers", config.layerCount)
        try file.requireTableSize(["vocab_size": config.vocabularySize, "max_position_embeddings": config.maxPositionEmbeddings])
        try file.requireSupportedActivation("activation", config.activation)
        try file.require(config.labelCount > 0, config.id2label == nil ? "num_labels" : "id2label", "must give at least one label")
        try file.requirePositive(["num_labels": config.labelCount])
        return config
    }

    /// The feed-forward activation module (the name was checked by `load`).
    func activationModule() -> Activation {
        Activation.huggingFace(activation)!
    }
}

/// The DistilBERT family: `DistilBertModel` and `DistilBertForSequenceClassification`.
public enum DistilBertArchitecture: Architecture {
    public static let modelTypes = ["distilbert"]
    public static let classNames = ["DistilBertModel", "DistilBertForSequenceClassification"]

    public static func basePrefix(modelType: String) -> String { "distilbert" }

    public static func build(className: String, config: ConfigFile) throws -> any TransformerModel {
        let configuration = try DistilBertConfiguration.load(config)
        switch className {
        case "DistilBertModel": return DistilBertModel(configuration)
        case "DistilBertForSequenceClassification": return DistilBertForSequenceClassification(configuration)
        default: throw ModelError.unsupportedArchitecture(className, modelType: config.modelType, supported: classNames)
        }
    }
}

/// Word and learned position embeddings, summed, then LayerNorm and dropout (HF `Embeddings`).
final class DistilBertEmbeddings: Module {
    let wordEmbeddings: Embedding
    let positionEmbeddings: Embedding
    let layerNorm: LayerNorm
    let dropout: Dropout

    init(_ config: DistilBertConfiguration) {
        wordEmbeddings = Embedding(count: config.vocabularySize, dimension: config.dimension)
        positionEmbeddings = Embedding(count: config.maxPositionEmbeddings, dimension: config.dimension)
        layerNorm = LayerNorm(dimension: config.dimension, eps: 1e-12)
        dropout = Dropout(probability: config.dropout)
        super.init(typeName: "Embeddings")
        register("word_embeddings", wordEmbeddings)
        register("position_embeddings", positionEmbeddings)
        register("LayerNorm", layerNorm)
        register("dropout", dropout)
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
/// (HF `DistilBertSelfAttention`).
final class DistilBertSelfAttention: Module {
    let headCount: Int
    let qLin: Linear
    let kLin: Linear
    let vLin: Linear
    let outLin: Linear

    init(_ config: DistilBertConfiguration) {
        headCount = config.headCount
        qLin = Linear(inFeatures: config.dimension, outFeatures: config.dimension)
        kLin = Linear(inFeatures: config.dimension, outFeatures: config.dimension)
        vLin = Linear(inFeatures: config.dimension, outFeatures: config.dimension)
        outLin = Linear(inFeatures: config.dimension, outFeatures: config.dimension)
        super.init(typeName: "DistilBertSelfAttention")
        register("q_lin", qLin)
        register("k_lin", kLin)
        register("v_lin", vLin)
        register("out_lin", outLin)
        register("dropout", Dropout(probability: config.attentionDropout))
    }

    /// `[batch, length, dim]` to the same shape; `paddingMask` (bool `[batch, 1, 1, length]`,
    /// true at padding) hides padded keys.
    func callAsFunction(_ hiddenStates: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            // The head size comes from the weights, so a checkpoint with heads removed still runs.
            let headSize = qLin.outFeatures / headCount
            let inputShape = Array(hiddenStates.shape.dropLast())
            func heads(_ x: Tensor) throws -> Tensor { try x.view(inputShape + [-1, headSize]).transpose(1, 2) }
            let query = try heads(qLin(hiddenStates))
            let key = try heads(kLin(hiddenStates))
            let value = try heads(vLin(hiddenStates))
            var scores = try query.matmul(key.transpose(2, 3)) * (1 / Float(headSize).squareRoot())
            if let paddingMask { scores = try scores.maskedFill(paddingMask, value: -Float.greatestFiniteMagnitude) }
            // Hugging Face's eager attention calls functional dropout (p = 0 in eval), not the module.
            let probabilities = try scores.softmax().dropout(probability: 0)
            let context = try probabilities.matmul(value).transpose(1, 2).contiguous().reshape(inputShape + [-1])
            return try outLin(context)
        }
    }
}

/// The feed-forward block `lin1 → activation → lin2 → dropout` (HF `FFN`).
final class DistilBertFFN: Module {
    let dropout: Dropout
    let lin1: Linear
    let lin2: Linear
    let activation: Activation

    init(_ config: DistilBertConfiguration) {
        dropout = Dropout(probability: config.dropout)
        lin1 = Linear(inFeatures: config.dimension, outFeatures: config.hiddenDimension)
        lin2 = Linear(inFeatures: config.hiddenDimension, outFeatures: config.dimension)
        activation = config.activationModule()
        super.init(typeName: "FFN")
        register("dropout", dropout)
        register("lin1", lin1)
        register("lin2", lin2)
        register("activation", activation)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try dropout(lin2(activation(lin1(x)))) }
    }
}

/// One post-norm layer: attention, add & `sa_layer_norm`, FFN, add & `output_layer_norm`
/// (HF `TransformerBlock`).
final class DistilBertTransformerBlock: Module {
    let attention: DistilBertSelfAttention
    let saLayerNorm: LayerNorm
    let ffn: DistilBertFFN
    let outputLayerNorm: LayerNorm

    init(_ config: DistilBertConfiguration) {
        attention = DistilBertSelfAttention(config)
        saLayerNorm = LayerNorm(dimension: config.dimension, eps: 1e-12)
        ffn = DistilBertFFN(config)
        outputLayerNorm = LayerNorm(dimension: config.dimension, eps: 1e-12)
        super.init(typeName: "TransformerBlock")
        register("attention", attention)
        register("sa_layer_norm", saLayerNorm)
        register("ffn", ffn)
        register("output_layer_norm", outputLayerNorm)
    }

    func callAsFunction(_ hiddenStates: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            let attended = try saLayerNorm(attention(hiddenStates, paddingMask: paddingMask) + hiddenStates)
            return try outputLayerNorm(ffn(attended) + attended)
        }
    }
}

/// The layer stack (HF `Transformer`).
final class DistilBertTransformer: Module {
    let layer: ModuleList<DistilBertTransformerBlock>

    init(_ config: DistilBertConfiguration) {
        layer = ModuleList((0..<config.layerCount).map { _ in DistilBertTransformerBlock(config) })
        super.init(typeName: "Transformer")
        register("layer", layer)
    }

    func callAsFunction(_ hiddenStates: Tensor, paddingMask: Tensor?) throws -> Tensor {
        try scoped {
            try layer.items.reduce(hiddenStates) { try $1($0, paddingMask: paddingMask) }
        }
    }
}

/// The DistilBERT encoder; as a model it returns `last_hidden_state` `[batch, length, dim]`.
public final class DistilBertModel: Module, TransformerModel {
    let embeddings: DistilBertEmbeddings
    let transformer: DistilBertTransformer

    public init(_ config: DistilBertConfiguration) {
        embeddings = DistilBertEmbeddings(config)
        transformer = DistilBertTransformer(config)
        super.init(typeName: "DistilBertModel")
        register("embeddings", embeddings)
        register("transformer", transformer)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try callAsFunction(inputIDs: inputs["input_ids"]!, attentionMask: inputs["attention_mask"])
    }

    /// The encoder on `[batch, length]` token ids; without an attention mask every token is attended.
    func callAsFunction(inputIDs: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let tokens = try TokenInputs(ids: inputIDs, attentionMask: attentionMask)
            let hiddenStates = try embeddings(tokens.ids)
            return try transformer(hiddenStates, paddingMask: tokens.attentionMask?.paddingMask())
        }
    }
}

/// DistilBERT with `pre_classifier → ReLU → dropout → classifier` on the first token; returns
/// logits `[batch, num_labels]`.
public final class DistilBertForSequenceClassification: Module, TransformerModel {
    let distilbert: DistilBertModel
    let preClassifier: Linear
    let classifier: Linear
    let dropout: Dropout

    public init(_ config: DistilBertConfiguration) {
        distilbert = DistilBertModel(config)
        preClassifier = Linear(inFeatures: config.dimension, outFeatures: config.dimension)
        classifier = Linear(inFeatures: config.dimension, outFeatures: config.labelCount)
        dropout = Dropout(probability: config.sequenceClassificationDropout)
        super.init(typeName: "DistilBertForSequenceClassification")
        register("distilbert", distilbert)
        register("pre_classifier", preClassifier)
        register("classifier", classifier)
        register("dropout", dropout)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped {
            let hiddenStates = try distilbert(inputIDs: inputs["input_ids"]!, attentionMask: inputs["attention_mask"])
            // HF applies a fresh `nn.ReLU()` here, not a registered module: a bare relu op.
            let pooled = try dropout(preClassifier(hiddenStates.select(1, 0)).relu())
            return try classifier(pooled)
        }
    }
}
