import NN
import Tensor

/// The `config.json` keys the rotary decoder families (LLaMA, Mistral, Qwen2, Qwen3, Gemma 2 and 3,
/// OLMo 2) share, decoded once; each family's configuration (a `RotaryDecoderFamilyConfiguration`)
/// adds its own keys and its Hugging Face defaults. The sizes are required; a key whose default
/// differs between families stays optional here.
public struct RotaryDecoderConfiguration: Decodable, Sendable {
    /// `vocab_size`.
    public var vocabularySize: Int
    /// `hidden_size`.
    public var hiddenSize: Int
    /// `intermediate_size` (the MLP width).
    public var intermediateSize: Int
    /// `num_hidden_layers`.
    public var layerCount: Int
    /// `num_attention_heads`.
    public var headCount: Int
    /// `num_key_value_heads` as given (the family says what absent means).
    public var keyValueHeads: Int?
    /// `head_dim` as given (the family says what absent means).
    public var headDimensions: Int?
    /// `rms_norm_eps` as given.
    public var rmsNormEps: Double?
    /// `max_position_embeddings` (LLaMA 3 rope scaling falls back to it).
    public var maxPositionEmbeddings: Int?
    /// Top-level `rope_theta` (transformers 4).
    public var ropeTheta: Double?
    /// Legacy `rope_scaling`; takes precedence over `rope_parameters`, as in transformers.
    public var ropeScaling: RopeParameters?
    /// `attention_bias`: biases on q/k/v/o (default false).
    public var attentionBias: Bool
    /// `tie_word_embeddings` as given.
    public var tieWordEmbeddings: Bool?
    /// `layer_types`: `full_attention` / `sliding_attention` per layer.
    public var layerTypes: [String]?
    /// `torch_dtype` (transformers 4) or `dtype`: the checkpoint's dtype.
    public var dtypeName: String?

    enum CodingKeys: String, ConfigurationKeys {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case keyValueHeads = "num_key_value_heads"
        case headDimensions = "head_dim"
        case rmsNormEps = "rms_norm_eps"
        case maxPositionEmbeddings = "max_position_embeddings"
        case ropeTheta = "rope_theta"
        case ropeScaling = "rope_scaling"
        case attentionBias = "attention_bias"
        case tieWordEmbeddings = "tie_word_embeddings"
        case layerTypes = "layer_types"
        case dtype, torchDType = "torch_dtype"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try container.decode(Int.self, forKey: .vocabularySize)
        hiddenSize = try container.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try container.decode(Int.self, forKey: .intermediateSize)
        layerCount = try container.decode(Int.self, forKey: .layerCount)
        headCount = try container.decode(Int.self, forKey: .headCount)
        keyValueHeads = try container.decodeIfPresent(Int.self, forKey: .keyValueHeads)
        headDimensions = try container.decodeIfPresent(Int.self, forKey: .headDimensions)
        rmsNormEps = try container.decodeIfPresent(Double.self, forKey: .rmsNormEps)
        maxPositionEmbeddings = try container.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings)
        ropeTheta = try container.decodeIfPresent(Double.self, forKey: .ropeTheta)
        ropeScaling = try container.decodeIfPresent(RopeParameters.self, forKey: .ropeScaling)
        attentionBias = try container.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false
        tieWordEmbeddings = try container.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings)
        layerTypes = try container.decodeIfPresent([String].self, forKey: .layerTypes)
        dtypeName = try container.decodeIfPresent(String.self, forKey: .dtype) ?? container.decodeIfPresent(String.self, forKey: .torchDType)
    }

    /// The checks of what the rotary decoder needs beyond the common sizes (which
    /// `ModelConfiguration.load` checks): heads of an even `headSize` (rotary pairs), one known
    /// `layer_types` entry per layer.
    func check(headSize: Int, file: ConfigFile) throws {
        let key = headDimensions == nil ? "hidden_size" : "head_dim"
        try file.require(headSize % 2 == 0, key, "gives the head size \(headSize); rotary embedding needs a positive even one")
        try file.requireLayerTypes(layerTypes, layerCount: layerCount)
    }

    /// The rotary frequencies `rope_scaling` (legacy, taking precedence as in transformers) or
    /// `ropeParameters` ask for, for heads of `headSize`; `rope_theta` at the top level, else 10000,
    /// is the base they do not give.
    func rotaryFrequencies(_ ropeParameters: RopeParameters?, headSize: Int, file: ConfigFile) throws -> RotaryFrequencies {
        try RotaryFrequencies(ropeScaling ?? ropeParameters ?? RopeParameters(), key: ropeScaling != nil ? "rope_scaling" : "rope_parameters",
                              theta: ropeTheta ?? 10_000, headSize: headSize, maxPositionEmbeddings: maxPositionEmbeddings, file: file)
    }

    /// `value` rounded to the checkpoint's dtype (`dtype` / `torch_dtype`), as PyTorch rounds a
    /// buffer cast to the weights' dtype; f32 when the config names none.
    func roundedToCheckpointDType(_ value: Float) throws -> Float {
        guard let dtype = dtypeName.flatMap(DType.init(userName:)), dtype != .f32 else { return value }
        return try Tensor([value], shape: [1]).to(dtype).to(.f32).floats()[0]
    }
}

extension RotaryDecoderSpec {
    /// The spec of `decoder`'s sizes, `attention_bias` on all four attention projections, each
    /// head scaled by `head_dim^-0.5`, pre-norm layers; the family changes what differs.
    init(classPrefix: String, baseModelName: String, decoder: RotaryDecoderConfiguration, keyValueHeadCount: Int, headSize: Int,
         activation: ActivationName, rmsNormEps: Double, tieWordEmbeddings: Bool, rotaryFrequencies: [RotaryFrequencies],
         layers: [(window: Int?, rotary: Int)]) {
        self.init(classPrefix: classPrefix, baseModelName: baseModelName,
                  vocabularySize: decoder.vocabularySize, hiddenSize: decoder.hiddenSize, intermediateSize: decoder.intermediateSize,
                  headCount: decoder.headCount, keyValueHeadCount: keyValueHeadCount, headSize: headSize,
                  activation: activation, rmsNormEps: rmsNormEps,
                  queryKeyValueBias: decoder.attentionBias, outputProjectionBias: decoder.attentionBias,
                  attentionScaling: 1 / Double(headSize).squareRoot(), tieWordEmbeddings: tieWordEmbeddings,
                  rotaryFrequencies: rotaryFrequencies, layers: layers)
    }
}

extension KeyedDecodingContainer {
    /// The value of `key`: nil when the key is absent, `.some(nil)` when it is `null` (Hugging Face
    /// settings whose default is not none, e.g. Gemma 2's `attn_logit_softcapping`: `?? default`).
    func decodeNullable<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        contains(key) ? .some(try decodeIfPresent(type, forKey: key)) : nil
    }
}
