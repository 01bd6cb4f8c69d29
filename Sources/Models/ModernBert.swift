import Formats
import NN
import Tensor

// ModernBERT (`model_type` `modernbert`): `ModernBertModel`, `ModernBertForSequenceClassification`
// and `ModernBertForMaskedLM`, as Hugging Face's `modeling_modernbert.py` builds and runs them. A
// pre-norm encoder without position embeddings: q, k and v come from one fused `Wqkv`
// (`[q | k | v]`), rotated with the global or the local layers' rotary frequencies; local layers
// attend within a bidirectional sliding window; the feed-forward block is a GeGLU whose `Wi`
// output is chunked into the activated input and the gate.

/// A ModernBERT `config.json`, with `ModernBertConfig`'s defaults for absent keys. The layer
/// types and rotary bases come from `layer_types` and `rope_parameters` (transformers 5) or from the
/// original checkpoints' `global_attn_every_n_layers`, `global_rope_theta` and `local_rope_theta`.
public struct ModernBertConfiguration: ModelConfiguration, ClassifierConfiguration {
    /// `intermediate_size` sizes both GLU halves; the head size is `hidden_size / num_attention_heads`.
    static let configSizeKeys: ConfigSizeKeys? = ConfigSizeKeys(feedForward: "intermediate_size", heads: .hiddenOverHeads)

    public var vocabularySize: Int
    public var hiddenSize: Int
    /// The width of each GLU half (`Wi` has twice as many outputs).
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var hiddenActivation: ActivationName
    public var maxPositionEmbeddings: Int
    public var normEps: Double
    public var normBias: Bool
    public var attentionBias: Bool
    public var attentionDropout: Double
    public var embeddingDropout: Double
    public var mlpBias: Bool
    public var mlpDropout: Double
    /// The whole local window: a local layer's query sees keys at most `local_attention / 2` away.
    public var localAttention: Int
    /// Without `layer_types`: layer `i` is global when `i` is a multiple of this (default 3).
    public var globalAttentionEveryNLayers: Int
    /// `full_attention` / `sliding_attention` per layer.
    public var layerTypes: [String]?
    public var ropeParameters: LayerTypeRopeParameters?
    /// Legacy base of the global layers (default 160000).
    public var globalRopeTheta: Double
    /// Legacy base of the local layers (default 10000).
    public var localRopeTheta: Double
    /// Legacy `rope_scaling`, applied to both layer types.
    public var ropeScaling: RopeParameters?
    /// `cls` (the first token) or `mean` (over the tokens the attention mask keeps).
    public var classifierPooling: String
    public var classifierDropout: Double
    public var classifierBias: Bool
    public var classifierActivation: ActivationName
    public var decoderBias: Bool
    public var tieWordEmbeddings: Bool
    public var id2label: [String: String]?
    public var numLabels: Int?

    static let poolings = ["cls", "mean"]

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case hiddenActivation = "hidden_activation"
        case maxPositionEmbeddings = "max_position_embeddings"
        case normEps = "norm_eps"
        case normBias = "norm_bias"
        case attentionBias = "attention_bias"
        case attentionDropout = "attention_dropout"
        case embeddingDropout = "embedding_dropout"
        case mlpBias = "mlp_bias"
        case mlpDropout = "mlp_dropout"
        case localAttention = "local_attention"
        case globalAttentionEveryNLayers = "global_attn_every_n_layers"
        case layerTypes = "layer_types"
        case ropeParameters = "rope_parameters"
        case globalRopeTheta = "global_rope_theta"
        case localRopeTheta = "local_rope_theta"
        case ropeScaling = "rope_scaling"
        case classifierPooling = "classifier_pooling"
        case classifierDropout = "classifier_dropout"
        case classifierBias = "classifier_bias"
        case classifierActivation = "classifier_activation"
        case decoderBias = "decoder_bias"
        case tieWordEmbeddings = "tie_word_embeddings"
        case numLabels = "num_labels"
        case id2label
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(.vocabularySize, default: 50368)
        hiddenSize = try c.decode(.hiddenSize, default: 768)
        intermediateSize = try c.decode(.intermediateSize, default: 1152)
        layerCount = try c.decode(.layerCount, default: 22)
        headCount = try c.decode(.headCount, default: 12)
        hiddenActivation = try c.decode(.hiddenActivation, default: .gelu)
        maxPositionEmbeddings = try c.decode(.maxPositionEmbeddings, default: 8192)
        normEps = try c.decode(.normEps, default: 1e-5)
        normBias = try c.decode(.normBias, default: false)
        attentionBias = try c.decode(.attentionBias, default: false)
        attentionDropout = try c.decode(.attentionDropout, default: 0)
        embeddingDropout = try c.decode(.embeddingDropout, default: 0)
        mlpBias = try c.decode(.mlpBias, default: false)
        mlpDropout = try c.decode(.mlpDropout, default: 0)
        localAttention = try c.decode(.localAttention, default: 128)
        globalAttentionEveryNLayers = try c.decode(.globalAttentionEveryNLayers, default: 3)
        layerTypes = try c.decodeIfPresent([String].self, forKey: .layerTypes)
        ropeParameters = try c.decodeIfPresent(LayerTypeRopeParameters.self, forKey: .ropeParameters)
        globalRopeTheta = try c.decode(.globalRopeTheta, default: 160_000)
        localRopeTheta = try c.decode(.localRopeTheta, default: 10_000)
        ropeScaling = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeScaling)
        classifierPooling = try c.decode(.classifierPooling, default: "cls")
        classifierDropout = try c.decode(.classifierDropout, default: 0)
        classifierBias = try c.decode(.classifierBias, default: false)
        classifierActivation = try c.decode(.classifierActivation, default: .gelu)
        decoderBias = try c.decode(.decoderBias, default: true)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, default: true)
        id2label = try c.decodeIfPresent([String: String].self, forKey: .id2label)
        numLabels = try c.decodeIfPresent(Int.self, forKey: .numLabels)
    }

    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: vocabularySize] }

    /// Each layer's type: `layer_types`, else global every `global_attn_every_n_layers`-th layer
    /// from the first (`ModernBertConfig.__post_init__`).
    var resolvedLayerTypes: [String] {
        layerTypes ?? (0..<layerCount).map { $0 % globalAttentionEveryNLayers == 0 ? "full_attention" : "sliding_attention" }
    }

    /// Keys a local layer's query cannot see are more than this many positions away (Hugging
    /// Face's `config.sliding_window`).
    var slidingWindow: Int { localAttention / 2 }

    /// An even head size (rotary pairs), a positive window and layer interval, one known
    /// `layer_types` entry per layer, a known pooling.
    func validate(in file: ConfigFile) throws {
        try file.require(headSize % 2 == 0, "hidden_size", "gives the head size \(headSize); rotary embedding needs an even one")
        try file.require(localAttention > 0, "local_attention", "must be positive, got \(localAttention)")
        try file.require(globalAttentionEveryNLayers > 0, "global_attn_every_n_layers", "must be positive, got \(globalAttentionEveryNLayers)")
        try file.requireLayerTypes(layerTypes, layerCount: layerCount)
        try file.require(Self.poolings.contains(classifierPooling), "classifier_pooling",
                         "is \"\(classifierPooling)\"; supported: \(Self.poolings.joined(separator: ", "))")
    }

    /// The rotary frequencies of the global and the local layers, as
    /// `ModernBertConfig.convert_rope_params_to_dict` resolves them: `rope_scaling` updates both,
    /// `global_rope_theta` and `local_rope_theta` are the bases they lack.
    func rotaryFrequencies(file: ConfigFile) throws -> (full: RotaryFrequencies, sliding: RotaryFrequencies) {
        let scaling = ropeScaling ?? RopeParameters()
        func frequencies(_ parameters: RopeParameters?, _ type: String, theta: Double) throws -> RotaryFrequencies {
            try RotaryFrequencies((parameters ?? RopeParameters()).updated(with: scaling), key: "rope_parameters.\(type)", theta: theta,
                                  headSize: headSize, maxPositionEmbeddings: maxPositionEmbeddings, file: file)
        }
        return (try frequencies(ropeParameters?.fullAttention, "full_attention", theta: globalRopeTheta),
                try frequencies(ropeParameters?.slidingAttention, "sliding_attention", theta: localRopeTheta))
    }
}

/// `ModernBertEmbeddings`: token embedding → LayerNorm → dropout (no position embeddings).
final class ModernBertEmbeddings: Module {
    @ModuleInfo(key: "tok_embeddings") var tokEmbeddings: Embedding
    @ModuleInfo(key: "norm") var norm: LayerNorm
    @ModuleInfo(key: "drop") var drop: Dropout

    init(_ config: ModernBertConfiguration) {
        super.init(typeName: "ModernBertEmbeddings")
        tokEmbeddings = Embedding(count: config.vocabularySize, dimension: config.hiddenSize)
        norm = LayerNorm(dimension: config.hiddenSize, eps: config.normEps, bias: config.normBias)
        drop = Dropout(probability: config.embeddingDropout)
    }

    func callAsFunction(_ inputIds: Tensor) throws -> Tensor {
        try scoped { try drop(norm(tokEmbeddings(inputIds))) }
    }
}

/// `ModernBertMLP`: `Wo(drop(act(input) · gate))`, input and gate the two halves of `Wi`'s output.
final class ModernBertMLP: Module {
    @ModuleInfo(key: "Wi") var wi: Linear
    @ModuleInfo(key: "act") var act: Activation
    @ModuleInfo(key: "drop") var drop: Dropout
    @ModuleInfo(key: "Wo") var wo: Linear

    init(_ config: ModernBertConfiguration) {
        super.init(typeName: "ModernBertMLP")
        wi = Linear(inFeatures: config.hiddenSize, outFeatures: 2 * config.intermediateSize, bias: config.mlpBias)
        act = Activation(config.hiddenActivation)
        drop = Dropout(probability: config.mlpDropout)
        wo = Linear(inFeatures: config.intermediateSize, outFeatures: config.hiddenSize, bias: config.mlpBias)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let halves = try wi(x).chunk(2, axis: -1)
            return try wo(drop(act(halves[0]) * halves[1]))
        }
    }
}

/// `ModernBertAttention`: `Wqkv` split into `[q | k | v]`, rotary positions on q and k,
/// `EncoderAttention` (padding and, in local layers, the window masked), `Wo`, then `out_drop`
/// (a Dropout when `attention_dropout` > 0, else an Identity). The number of heads comes from
/// `Wqkv`'s rows, so a checkpoint with heads removed still runs.
final class ModernBertAttention: Module {
    let headSize: Int
    @ModuleInfo(key: "Wqkv") var wqkv: Linear
    @ModuleInfo(key: "Wo") var wo: Linear
    @ModuleInfo(key: "out_drop") var outDrop: Dropout?
    @ModuleInfo(key: "out_drop") var outIdentity: Identity?

    init(_ config: ModernBertConfiguration) {
        headSize = config.headSize
        super.init(typeName: "ModernBertAttention")
        wqkv = Linear(inFeatures: config.hiddenSize, outFeatures: 3 * config.headCount * headSize, bias: config.attentionBias)
        wo = Linear(inFeatures: config.headCount * headSize, outFeatures: config.hiddenSize, bias: config.attentionBias)
        outDrop = config.attentionDropout > 0 ? Dropout(probability: config.attentionDropout) : nil
        outIdentity = config.attentionDropout > 0 ? nil : Identity()
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), paddingMask: Tensor?, windowMasks: [Tensor]) throws -> Tensor {
        try scoped {
            let width = wqkv.outFeatures / 3
            let parts = try wqkv(x).split(sizes: [width, width, width], axis: -1)
            let context = try EncoderAttention.context(query: parts[0], key: parts[1], value: parts[2], headSize: headSize,
                                                       paddingMask: paddingMask, rotary: rotary, keyMasks: windowMasks)
            let output = try wo(context)
            return try outDrop.map { try $0(output) } ?? outIdentity.map { $0(output) } ?? output
        }
    }
}

/// `ModernBertEncoderLayer`: `x + attn(attn_norm(x))`, then `+ mlp(mlp_norm(·))`. The first
/// layer's `attn_norm` is an Identity (the embeddings end in a LayerNorm).
final class ModernBertEncoderLayer: Module {
    /// True for a `sliding_attention` layer (local rotary base, windowed attention).
    let isSliding: Bool
    @ModuleInfo(key: "attn_norm") var attnNorm: LayerNorm?
    @ModuleInfo(key: "attn_norm") var attnIdentity: Identity?
    @ModuleInfo(key: "attn") var attn: ModernBertAttention
    @ModuleInfo(key: "mlp_norm") var mlpNorm: LayerNorm
    @ModuleInfo(key: "mlp") var mlp: ModernBertMLP

    init(_ config: ModernBertConfiguration, index: Int) {
        isSliding = config.resolvedLayerTypes[index] == "sliding_attention"
        super.init(typeName: "ModernBertEncoderLayer")
        attnIdentity = index == 0 ? Identity() : nil
        attnNorm = index == 0 ? nil : LayerNorm(dimension: config.hiddenSize, eps: config.normEps, bias: config.normBias)
        attn = ModernBertAttention(config)
        mlpNorm = LayerNorm(dimension: config.hiddenSize, eps: config.normEps, bias: config.normBias)
        mlp = ModernBertMLP(config)
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), paddingMask: Tensor?, windowMasks: [Tensor]) throws -> Tensor {
        try scoped {
            let normed = try attnNorm.map { try $0(x) } ?? attnIdentity.map { $0(x) } ?? x
            let attended = try x + attn(normed, rotary: rotary, paddingMask: paddingMask, windowMasks: isSliding ? windowMasks : [])
            return try attended + mlp(mlpNorm(attended))
        }
    }
}

/// `ModernBertModel`: embeddings, encoder layers, `final_norm` and the rotary tables of both layer
/// types (`rotary_emb`); returns `last_hidden_state` `[batch, length, hidden]`.
public final class ModernBertModel: Module, TransformerModel {
    let config: ModernBertConfiguration
    let rotaryFrequencies: (full: RotaryFrequencies, sliding: RotaryFrequencies)
    @ModuleInfo(key: "embeddings") var embeddings: ModernBertEmbeddings
    @ModuleInfo(key: "layers") var layers: ModuleList<ModernBertEncoderLayer>
    @ModuleInfo(key: "final_norm") var finalNorm: LayerNorm
    @ModuleInfo(key: "rotary_emb") var rotaryEmb: RotaryEmbedding

    init(_ config: ModernBertConfiguration, source: ModelSource) throws {
        self.config = config
        rotaryFrequencies = try config.rotaryFrequencies(file: source.file)
        super.init(typeName: "ModernBertModel")
        embeddings = ModernBertEmbeddings(config)
        layers = ModuleList((0..<config.layerCount).map { ModernBertEncoderLayer(config, index: $0) })
        finalNorm = LayerNorm(dimension: config.hiddenSize, eps: config.normEps, bias: config.normBias)
        rotaryEmb = RotaryEmbedding(typeName: "ModernBertRotaryEmbedding", headSize: config.headSize)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try self(TokenInputs(inputs, of: self))
    }

    /// The last hidden state. A local layer's query sees the keys at most `local_attention / 2`
    /// positions away on either side: the one-sided window mask hides the older keys, its
    /// transpose the newer ones. They are built even when the input fits in the window (they hide
    /// nothing then), so a graph exported at one length stays right at every other.
    func callAsFunction(_ tokens: TokenInputs) throws -> Tensor {
        try scoped {
            var hidden = try embeddings(tokens.ids)
            let length = tokens.ids.shape[1]
            let paddingMask = try tokens.attentionMask?.paddingMask()
            var windowMasks: [Tensor] = []
            if layers.items.contains(where: \.isSliding) {
                let older = try Tensor.slidingWindowMask(queryLength: length, keyLength: length, window: config.slidingWindow + 1, meta: hidden.isMeta)
                windowMasks = [older, try older.transpose(0, 1)]
            }
            var tables: [Bool: (cos: Tensor, sin: Tensor)] = [:]
            for layer in layers.items {
                let rotary = try tables[layer.isSliding]
                    ?? rotaryEmb(hidden, frequencies: layer.isSliding ? rotaryFrequencies.sliding : rotaryFrequencies.full)
                tables[layer.isSliding] = rotary
                hidden = try layer(hidden, rotary: rotary, paddingMask: paddingMask, windowMasks: windowMasks)
            }
            return try finalNorm(hidden)
        }
    }
}

/// `ModernBertPredictionHead`: `norm(act(dense(x)))`.
final class ModernBertPredictionHead: Module {
    @ModuleInfo(key: "dense") var dense: Linear
    @ModuleInfo(key: "act") var act: Activation
    @ModuleInfo(key: "norm") var norm: LayerNorm

    init(_ config: ModernBertConfiguration) {
        super.init(typeName: "ModernBertPredictionHead")
        dense = Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize, bias: config.classifierBias)
        act = Activation(config.classifierActivation)
        norm = LayerNorm(dimension: config.hiddenSize, eps: config.normEps, bias: config.normBias)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try norm(act(dense(x))) }
    }
}

/// `ModernBertForSequenceClassification`: the base model, the sequence pooled (`cls`: the first
/// token; `mean`: the average over the tokens the attention mask keeps), the prediction head,
/// dropout and `classifier`. Returns logits `[batch, num_labels]`.
public final class ModernBertForSequenceClassification: Module, TransformerModel {
    let meanPooling: Bool
    @ModuleInfo(key: "model") var model: ModernBertModel
    @ModuleInfo(key: "head") var head: ModernBertPredictionHead
    @ModuleInfo(key: "drop") var drop: Dropout
    @ModuleInfo(key: "classifier") var classifier: Linear

    init(_ config: ModernBertConfiguration, source: ModelSource) throws {
        meanPooling = config.classifierPooling == "mean"
        super.init(typeName: "ModernBertForSequenceClassification")
        model = try ModernBertModel(config, source: source)
        head = ModernBertPredictionHead(config)
        drop = Dropout(probability: config.classifierDropout)
        classifier = Linear(inFeatures: config.hiddenSize, outFeatures: config.labelCount)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped {
            let tokens = try TokenInputs(inputs, of: self)
            let sequence = try model(tokens)
            return try classifier(drop(head(pooled(sequence, attentionMask: tokens.attentionMask))))
        }
    }

    /// `[batch, hidden]`: the first token, or `Σ mask · h / Σ mask` over the sequence (all tokens
    /// without a mask).
    private func pooled(_ sequence: Tensor, attentionMask: Tensor?) throws -> Tensor {
        guard meanPooling else { return try sequence.select(1, 0) }
        guard let attentionMask else { return try sequence.mean(axis: 1) }
        let weights = try attentionMask.to(.f32).unsqueeze(-1)
        return try (sequence * weights).sum(axis: 1) / weights.sum(axis: 1)
    }
}

/// `ModernBertForMaskedLM`: the base model, the prediction head and `decoder`, tied to the token
/// embeddings when `tie_word_embeddings` is true. Returns logits `[batch, length, vocab]`.
public final class ModernBertForMaskedLM: Module, TransformerModel {
    @ModuleInfo(key: "model") var model: ModernBertModel
    @ModuleInfo(key: "head") var head: ModernBertPredictionHead
    @ModuleInfo(key: "decoder") var decoder: Linear

    init(_ config: ModernBertConfiguration, source: ModelSource) throws {
        super.init(typeName: "ModernBertForMaskedLM")
        model = try ModernBertModel(config, source: source)
        head = ModernBertPredictionHead(config)
        decoder = .languageModelHead(over: model.embeddings.tokEmbeddings, tied: config.tieWordEmbeddings, bias: config.decoderBias)
    }

    public var inputSpecs: [ModelInputSpec] { TokenInputs.specs }

    public func forward(_ inputs: ModelInputs) throws -> Tensor {
        try validate(inputs)
        return try scoped { try decoder(head(model(TokenInputs(inputs, of: self)))) }
    }
}
