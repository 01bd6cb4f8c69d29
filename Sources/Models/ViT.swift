import Formats
import Foundation
import NN
import Tensor

/// The keys of a ViT `config.json` slimtrace reads, with Hugging Face's `ViTConfig` defaults for
/// absent ones.
public struct ViTConfiguration: ModelConfiguration, ClassifierConfiguration, Equatable {
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    /// The feed-forward activation.
    public var hiddenActivation: ActivationName
    public var hiddenDropout: Double
    public var attentionDropout: Double
    public var layerNormEps: Double
    /// The side of the square input image, in pixels.
    public var imageSize: Int
    /// The side of a square patch, in pixels (the patch projection's kernel and stride).
    public var patchSize: Int
    public var channelCount: Int
    public var qkvBias: Bool
    /// The pooler's output width (`hidden_size` when absent).
    public var poolerOutputSize: Int?
    /// The pooler's activation.
    public var poolerActivation: ActivationName
    public var id2label: [String: String]?
    public var numLabels: Int?

    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "intermediate_size", heads: .hiddenOverHeads)

    enum CodingKeys: String, ConfigurationKeys {
        case hiddenSize = "hidden_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenActivation = "hidden_act"
        case hiddenDropout = "hidden_dropout_prob"
        case attentionDropout = "attention_probs_dropout_prob"
        case layerNormEps = "layer_norm_eps"
        case imageSize = "image_size"
        case patchSize = "patch_size"
        case channelCount = "num_channels"
        case qkvBias = "qkv_bias"
        case poolerOutputSize = "pooler_output_size"
        case poolerActivation = "pooler_act"
        case id2label
        case numLabels = "num_labels"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(.hiddenSize, default: 768)
        layerCount = try c.decode(.layerCount, default: 12)
        headCount = try c.decode(.headCount, default: 12)
        intermediateSize = try c.decode(.intermediateSize, default: 3072)
        hiddenActivation = try c.decode(.hiddenActivation, default: .gelu)
        hiddenDropout = try c.decode(.hiddenDropout, default: 0)
        attentionDropout = try c.decode(.attentionDropout, default: 0)
        layerNormEps = try c.decode(.layerNormEps, default: 1e-12)
        imageSize = try c.decode(.imageSize, default: 224)
        patchSize = try c.decode(.patchSize, default: 16)
        channelCount = try c.decode(.channelCount, default: 3)
        qkvBias = try c.decode(.qkvBias, default: true)
        poolerOutputSize = try c.decodeIfPresent(Int.self, forKey: .poolerOutputSize)
        poolerActivation = try c.decode(.poolerActivation, default: .tanh)
        id2label = try c.decodeIfPresent([String: String].self, forKey: .id2label)
        numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels)
    }

    /// Patches per image: `(image_size / patch_size)²`.
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }

    /// The image side, whose patches (plus the CLS token) are the rows of the position table.
    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.imageSize: imageSize] }

    /// Channels and patch side, whole patches per image, and the pooler's width.
    func validate(in file: ConfigFile) throws {
        try file.requirePositive(["num_channels": channelCount, "patch_size": patchSize])
        try file.requireProduct(["num_channels": channelCount, "patch_size": patchSize, "patch_size": patchSize],
                                atMost: ConfigLimits.width, "values per patch")
        try file.require(imageSize >= patchSize && imageSize % patchSize == 0, "image_size",
                         "(\(imageSize)) must be a positive multiple of patch_size (\(patchSize))")
        let side = imageSize / patchSize
        try file.requireProduct(["image_size / patch_size": side, "image_size / patch_size": side], atMost: ConfigLimits.tableSize, "patches")
        try file.requirePositive(["pooler_output_size": poolerOutputSize ?? hiddenSize])
    }

    /// `pixel_values`, f32 `[1, num_channels, image_size, image_size]`.
    var inputSpecs: [ModelInputSpec] {
        [ModelInputSpec(name: "pixel_values", dtype: .f32, defaultShape: [1, channelCount, imageSize, imageSize], isPrimary: true)]
    }
}

/// The patch projection: a Conv2d with kernel = stride = `patch_size`, its output flattened to
/// `[batch, patches, hidden]` (HF `ViTPatchEmbeddings`).
final class ViTPatchEmbeddings: Module {
    let imageSize: Int
    let channelCount: Int
    @ModuleInfo(key: "projection") var projection: Conv2d

    init(_ config: ViTConfiguration) {
        imageSize = config.imageSize
        channelCount = config.channelCount
        super.init(typeName: "ViTPatchEmbeddings")
        projection = Conv2d(inChannels: config.channelCount, outChannels: config.hiddenSize,
                            kernelSize: (config.patchSize, config.patchSize), stride: (config.patchSize, config.patchSize))
    }

    func callAsFunction(_ pixelValues: Tensor) throws -> Tensor {
        try scoped {
            let expected = [channelCount, imageSize, imageSize]
            guard pixelValues.rank == 4, Array(pixelValues.shape.dropFirst()) == expected else {
                throw ModelError.invalidInput(name: "pixel_values", detail: "must be [batch, \(channelCount), \(imageSize), \(imageSize)] (num_channels, image_size), got \(Shape.describe(pixelValues.shape))")
            }
            return try projection(pixelValues).flatten(from: 2).transpose(1, 2)
        }
    }
}

/// Patch embeddings with the CLS token prepended and learned position embeddings added
/// (HF `ViTEmbeddings`; parameters `cls_token` `[1, 1, hidden]` and `position_embeddings`
/// `[1, patches + 1, hidden]`).
final class ViTEmbeddings: Module {
    @ParameterInfo(key: "cls_token") var clsToken: Parameter
    @ModuleInfo(key: "patch_embeddings") var patchEmbeddings: ViTPatchEmbeddings
    @ParameterInfo(key: "position_embeddings") var positionEmbeddings: Parameter
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: ViTConfiguration) {
        super.init(typeName: "ViTEmbeddings")
        clsToken = Parameter(shape: [1, 1, config.hiddenSize])
        patchEmbeddings = ViTPatchEmbeddings(config)
        positionEmbeddings = Parameter(shape: [1, config.patchCount + 1, config.hiddenSize])
        dropout = Dropout(probability: config.hiddenDropout)
    }

    func callAsFunction(_ pixelValues: Tensor) throws -> Tensor {
        try scoped {
            let patches = try patchEmbeddings(pixelValues)
            let cls = try value(clsToken).expand([patches.shape[0], -1, -1])
            let embeddings = try Tensor.concat([cls, patches], axis: 1) + value(positionEmbeddings)
            return try dropout(embeddings)
        }
    }
}

/// Multi-head self-attention's `query`, `key`, `value` and the attention itself
/// (HF `ViTSelfAttention`), computed by `EncoderAttention`. The head size comes from the config
/// (`hidden_size / num_attention_heads`), the number of heads from the query's rows.
final class ViTSelfAttention: Module {
    let headSize: Int
    @ModuleInfo(key: "query") var queryLayer: Linear
    @ModuleInfo(key: "key") var keyLayer: Linear
    @ModuleInfo(key: "value") var valueLayer: Linear
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: ViTConfiguration) {
        headSize = config.headSize
        super.init(typeName: "ViTSelfAttention")
        queryLayer = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize, bias: config.qkvBias)
        keyLayer = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize, bias: config.qkvBias)
        valueLayer = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize, bias: config.qkvBias)
        dropout = Dropout(probability: config.attentionDropout)
    }

    /// `[batch, tokens, hidden]` to the attention context `[batch, tokens, heads · head_size]`.
    /// transformers 4's eager `ViTSelfAttention` calls its dropout module on the probabilities.
    func callAsFunction(_ hiddenStates: Tensor) throws -> Tensor {
        try scoped {
            try EncoderAttention.context(query: queryLayer(hiddenStates), key: keyLayer(hiddenStates), value: valueLayer(hiddenStates),
                                         headSize: headSize, paddingMask: nil, probabilityDropout: dropout)
        }
    }
}

/// A dense projection to the hidden size and its dropout: the attention's output (HF
/// `ViTSelfOutput`, whose residual `ViTLayer` adds) and the feed-forward contraction (HF
/// `ViTOutput`, which adds the residual itself).
final class ViTDenseOutput: Module {
    @ModuleInfo(key: "dense") var dense: Linear
    @ModuleInfo(key: "dropout") var dropout: Dropout

    init(_ config: ViTConfiguration, inFeatures: Int, typeName: String) {
        super.init(typeName: typeName)
        dense = Linear(inFeatures: inFeatures, outFeatures: config.hiddenSize)
        dropout = Dropout(probability: config.hiddenDropout)
    }

    /// `dropout(dense(hiddenStates))`, plus `residual` when given.
    func callAsFunction(_ hiddenStates: Tensor, residual: Tensor? = nil) throws -> Tensor {
        try scoped {
            let projected = try dropout(dense(hiddenStates))
            return try residual.map { try projected + $0 } ?? projected
        }
    }
}

/// Self-attention followed by its output projection (HF `ViTAttention`).
final class ViTAttention: Module {
    @ModuleInfo(key: "attention") var attention: ViTSelfAttention
    @ModuleInfo(key: "output") var output: ViTDenseOutput

    init(_ config: ViTConfiguration) {
        super.init(typeName: "ViTAttention")
        attention = ViTSelfAttention(config)
        output = ViTDenseOutput(config, inFeatures: config.hiddenSize, typeName: "ViTSelfOutput")
    }

    func callAsFunction(_ hiddenStates: Tensor) throws -> Tensor {
        try scoped { try output(attention(hiddenStates)) }
    }
}

/// One pre-norm layer: `layernorm_before → attention`, add, `layernorm_after → intermediate →
/// output` (+ residual) (HF `ViTLayer`).
final class ViTLayer: Module {
    @ModuleInfo(key: "attention") var attention: ViTAttention
    @ModuleInfo(key: "intermediate") var intermediate: Intermediate
    @ModuleInfo(key: "output") var output: ViTDenseOutput
    @ModuleInfo(key: "layernorm_before") var layerNormBefore: LayerNorm
    @ModuleInfo(key: "layernorm_after") var layerNormAfter: LayerNorm

    init(_ config: ViTConfiguration) {
        super.init(typeName: "ViTLayer")
        attention = ViTAttention(config)
        intermediate = Intermediate(typeName: "ViTIntermediate", hiddenSize: config.hiddenSize,
                                    intermediateSize: config.intermediateSize, activation: config.hiddenActivation)
        output = ViTDenseOutput(config, inFeatures: config.intermediateSize, typeName: "ViTOutput")
        layerNormBefore = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        layerNormAfter = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
    }

    func callAsFunction(_ hiddenStates: Tensor) throws -> Tensor {
        try scoped {
            let attended = try attention(layerNormBefore(hiddenStates)) + hiddenStates
            return try output(intermediate(layerNormAfter(attended)), residual: attended)
        }
    }
}

/// The ViT encoder; as a model it returns `last_hidden_state` `[batch, patches + 1, hidden]`.
/// The image classifier builds it without the pooler (`add_pooling_layer=False`).
public final class ViTModel: Module, TransformerModel {
    let configuration: ViTConfiguration
    @ModuleInfo(key: "embeddings") var embeddings: ViTEmbeddings
    @ModuleInfo(key: "encoder") var encoder: LayerStack<ViTLayer>
    @ModuleInfo(key: "layernorm") var layerNorm: LayerNorm
    @ModuleInfo(key: "pooler") var pooler: Pooler?

    public init(_ config: ViTConfiguration, addPoolingLayer: Bool) {
        configuration = config
        super.init(typeName: "ViTModel")
        embeddings = ViTEmbeddings(config)
        encoder = LayerStack(typeName: "ViTEncoder", (0..<config.layerCount).map { _ in ViTLayer(config) })
        layerNorm = LayerNorm(dimension: config.hiddenSize, eps: config.layerNormEps)
        pooler = addPoolingLayer
            ? Pooler(typeName: "ViTPooler", hiddenSize: config.hiddenSize, outputSize: config.poolerOutputSize ?? config.hiddenSize,
                     activation: config.poolerActivation)
            : nil
    }

    /// The base model a checkpoint holds: with its pooler unless the checkpoint has weights but no
    /// `pooler.dense.weight` (saved with `add_pooling_layer=False`).
    convenience init(_ config: ViTConfiguration, source: ModelSource) {
        self.init(config, addPoolingLayer: source.mayHold("pooler.dense.weight"))
    }

    public var inputSpecs: [ModelInputSpec] { configuration.inputSpecs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try callAsFunction(pixelValues: inputs["pixel_values"]!)
    }

    /// `last_hidden_state` for `[batch, channels, image_size, image_size]` pixels. The pooler runs
    /// as in Hugging Face's forward (its output is part of HF's result), but is not returned.
    func callAsFunction(pixelValues: Tensor) throws -> Tensor {
        try scoped {
            let embedded = try embeddings(pixelValues.dtype == .f32 ? pixelValues : pixelValues.to(.f32))
            let sequence = try layerNorm(encoder(embedded) { try $0($1) })
            _ = try pooler?(sequence)
            return sequence
        }
    }
}

/// ViT with a linear `classifier` on the CLS token of the final layer norm's output; returns
/// logits `[batch, num_labels]`.
public final class ViTForImageClassification: Module, TransformerModel {
    @ModuleInfo(key: "vit") var vit: ViTModel
    @ModuleInfo(key: "classifier") var classifier: Linear

    public init(_ config: ViTConfiguration) {
        super.init(typeName: "ViTForImageClassification")
        vit = ViTModel(config, addPoolingLayer: false)
        classifier = Linear(inFeatures: config.hiddenSize, outFeatures: config.labelCount)
    }

    public var inputSpecs: [ModelInputSpec] { vit.inputSpecs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped {
            let sequence = try vit(pixelValues: inputs["pixel_values"]!)
            return try classifier(sequence.select(1, 0))
        }
    }
}
