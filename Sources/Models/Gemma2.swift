import NN

/// The `config.json` keys Gemma 2 and Gemma 3 share (`Gemma2Config`, `Gemma3TextConfig`): the
/// rotary decoder keys and Gemma's own. Where the two families' defaults differ the key stays as
/// given, and each family applies its default.
public struct GemmaConfiguration: Decodable, Sendable {
    /// The keys the rotary decoder families share.
    public var decoder: RotaryDecoderConfiguration
    /// `hidden_activation` (default `gelu_pytorch_tanh`).
    public var hiddenActivation: ActivationName
    /// `query_pre_attn_scalar`: scores are scaled by its inverse square root (default 256).
    public var queryPreAttnScalar: Double
    /// `sliding_window` (default 4096; null: no window).
    public var slidingWindow: Int?
    /// `attn_logit_softcapping`: nil when absent, `.some(nil)` when null.
    public var attnLogitSoftcapping: Double??
    /// `final_logit_softcapping`: nil when absent, `.some(nil)` when null.
    public var finalLogitSoftcapping: Double??
    /// `use_bidirectional_attention` (EmbeddingGemma): not supported, an error when true.
    public var useBidirectionalAttention: Bool

    enum CodingKeys: String, CodingKey {
        case hiddenActivation = "hidden_activation"
        case queryPreAttnScalar = "query_pre_attn_scalar"
        case slidingWindow = "sliding_window"
        case attnLogitSoftcapping = "attn_logit_softcapping"
        case finalLogitSoftcapping = "final_logit_softcapping"
        case useBidirectionalAttention = "use_bidirectional_attention"
    }

    public init(from decoder: Decoder) throws {
        self.decoder = try RotaryDecoderConfiguration(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hiddenActivation = try container.decodeIfPresent(ActivationName.self, forKey: .hiddenActivation) ?? .geluPytorchTanh
        queryPreAttnScalar = try container.decodeIfPresent(Double.self, forKey: .queryPreAttnScalar) ?? 256
        slidingWindow = try container.decodeNullable(Int.self, forKey: .slidingWindow) ?? 4096
        attnLogitSoftcapping = try container.decodeNullable(Double.self, forKey: .attnLogitSoftcapping)
        finalLogitSoftcapping = try container.decodeNullable(Double.self, forKey: .finalLogitSoftcapping)
        useBidirectionalAttention = try container.decodeIfPresent(Bool.self, forKey: .useBidirectionalAttention) ?? false
    }

    /// The rotary decoder's checks and the settings slimtrace runs, naming the offending key.
    func check(file: ConfigFile) throws {
        try decoder.check(headSize: headSize, file: file)
        try file.require(slidingWindow.map { $0 > 0 } ?? true, "sliding_window", "must be positive, got \(slidingWindow ?? 0)")
        try file.require(queryPreAttnScalar > 0, "query_pre_attn_scalar", "must be positive, got \(queryPreAttnScalar)")
        try file.require(!useBidirectionalAttention, "use_bidirectional_attention", "is true: bidirectional Gemma (EmbeddingGemma) is not supported")
    }

    /// `num_key_value_heads` (Gemma's default 4).
    public var keyValueHeadCount: Int { decoder.keyValueHeads ?? 4 }

    /// `head_dim` (Gemma's default 256, not `hidden_size / num_attention_heads`).
    public var headSize: Int { decoder.headDimensions ?? 256 }

    /// `layer_types`, else every `pattern`-th layer full attention and the others sliding.
    func layerTypes(pattern: Int) -> [String] {
        decoder.layerTypes ?? (0..<decoder.layerCount).map { ($0 + 1) % pattern == 0 ? "full_attention" : "sliding_attention" }
    }

    /// The shared rotary decoder this config describes: sandwich norms of `x · (1 + weight)`, the
    /// embedding scaled by `sqrt(hidden_size)` (rounded to the checkpoint's dtype, as PyTorch casts
    /// the scale to the weights' dtype), scores scaled by `query_pre_attn_scalar^-0.5`, sliding
    /// windows on the `sliding_attention` layers. `rotary` gives each layer type's frequencies index.
    func spec(family: String, baseModelName: String, layerTypes: [String], rotaryFrequencies: [RotaryFrequencies],
              rotary: (String) -> Int, file: ConfigFile) throws -> RotaryDecoderSpec {
        var spec = RotaryDecoderSpec(
            classPrefix: family, baseModelName: baseModelName, decoder: decoder, keyValueHeadCount: keyValueHeadCount, headSize: headSize,
            activation: hiddenActivation, rmsNormEps: decoder.rmsNormEps ?? 1e-6, tieWordEmbeddings: decoder.tieWordEmbeddings ?? true,
            rotaryFrequencies: rotaryFrequencies,
            layers: layerTypes.map { ($0 == "sliding_attention" ? slidingWindow : nil, rotary($0)) })
        spec.embeddingName = family + "TextScaledWordEmbedding"
        spec.embeddingScale = try decoder.roundedToCheckpointDType(Float(Double(decoder.hiddenSize).squareRoot()))
        spec.normWeightOffset = 1
        spec.normPlacement = .sandwich
        spec.attentionScaling = 1 / queryPreAttnScalar.squareRoot()
        return spec
    }
}

/// `config.json` of a Gemma 2 checkpoint (`Gemma2Config`).
public struct Gemma2Configuration: RotaryDecoderFamilyConfiguration {
    /// The keys Gemma 2 and 3 share.
    public var gemma: GemmaConfiguration
    /// `rope_parameters` (transformers 5).
    public var ropeParameters: RopeParameters?

    static let configSizeKeys: ConfigSizeKeys? = .decoder

    enum FamilyKeys: String, CodingKey {
        case ropeParameters = "rope_parameters"
    }

    public init(from decoder: Decoder) throws {
        gemma = try GemmaConfiguration(from: decoder)
        ropeParameters = try decoder.container(keyedBy: FamilyKeys.self).decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
    }

    var decoder: RotaryDecoderConfiguration { gemma.decoder }
    var keyValueHeadCount: Int { gemma.keyValueHeadCount }
    var declaredHeadSize: Int? { gemma.headSize }

    /// Gemma's checks.
    func validate(in file: ConfigFile) throws {
        try gemma.check(file: file)
    }

    /// The shared rotary decoder this config describes: Gemma's, with soft-capped attention scores
    /// (`attn_logit_softcapping`, default 50) and logits (`final_logit_softcapping`, default 30),
    /// every other layer sliding when `layer_types` is absent.
    func spec(file: ConfigFile) throws -> RotaryDecoderSpec {
        let frequencies = try gemma.decoder.rotaryFrequencies(ropeParameters, headSize: gemma.headSize, file: file)
        var spec = try gemma.spec(family: "Gemma2", baseModelName: "Gemma2Model", layerTypes: gemma.layerTypes(pattern: 2),
                                  rotaryFrequencies: [frequencies], rotary: { _ in 0 }, file: file)
        spec.attentionSoftcap = gemma.attnLogitSoftcapping ?? 50
        spec.finalLogitSoftcap = gemma.finalLogitSoftcapping ?? 30
        return spec
    }
}
