import NN

/// `config.json` of a Gemma 3 text checkpoint (`Gemma3TextConfig`, `model_type` `gemma3_text`).
public struct Gemma3TextConfiguration: RotaryDecoderFamilyConfiguration {
    /// The keys Gemma 2 and 3 share.
    public var gemma: GemmaConfiguration
    /// `rope_parameters` per layer type (transformers 5).
    public var ropeParameters: LayerTypeRopeParameters?
    /// Legacy `rope_local_base_freq`: the sliding layers' theta.
    public var ropeLocalBaseFreq: Double?
    /// Legacy `sliding_window_pattern`: every n-th layer is global when `layer_types` is absent (default 6).
    public var slidingWindowPattern: Int

    static let configSizeKeys: ConfigSizeKeys? = .decoder

    enum FamilyKeys: String, CodingKey {
        case ropeParameters = "rope_parameters"
        case ropeLocalBaseFreq = "rope_local_base_freq"
        case slidingWindowPattern = "sliding_window_pattern"
    }

    public init(from decoder: Decoder) throws {
        gemma = try GemmaConfiguration(from: decoder)
        let container = try decoder.container(keyedBy: FamilyKeys.self)
        ropeParameters = try container.decodeIfPresent(LayerTypeRopeParameters.self, forKey: .ropeParameters)
        ropeLocalBaseFreq = try container.decodeIfPresent(Double.self, forKey: .ropeLocalBaseFreq)
        slidingWindowPattern = try container.decodeIfPresent(Int.self, forKey: .slidingWindowPattern) ?? 6
    }

    var decoder: RotaryDecoderConfiguration { gemma.decoder }
    var keyValueHeadCount: Int { gemma.keyValueHeadCount }
    var declaredHeadSize: Int? { gemma.headSize }

    /// Gemma's checks, a positive `sliding_window_pattern`.
    func validate(in file: ConfigFile) throws {
        try gemma.check(file: file)
        try file.require(slidingWindowPattern > 0, "sliding_window_pattern", "must be positive, got \(slidingWindowPattern)")
    }

    /// The frequencies of the global (`full_attention`) and the local (`sliding_attention`) layers,
    /// as `Gemma3TextConfig.convert_rope_params_to_dict` resolves them: legacy `rope_scaling` updates
    /// the global parameters, legacy `rope_theta` and `rope_local_base_freq` are the bases they lack.
    func rotaryFrequencies(file: ConfigFile) throws -> (full: RotaryFrequencies, sliding: RotaryFrequencies) {
        let decoder = gemma.decoder
        let full = (ropeParameters?.fullAttention ?? RopeParameters()).updated(with: decoder.ropeScaling ?? RopeParameters())
        let sliding = ropeParameters?.slidingAttention ?? RopeParameters()
        return (try RotaryFrequencies(full, key: "rope_parameters.full_attention", theta: decoder.ropeTheta ?? 1_000_000,
                                      headSize: gemma.headSize, maxPositionEmbeddings: decoder.maxPositionEmbeddings, file: file),
                try RotaryFrequencies(sliding, key: "rope_parameters.sliding_attention", theta: ropeLocalBaseFreq ?? 10_000,
                                      headSize: gemma.headSize, maxPositionEmbeddings: decoder.maxPositionEmbeddings, file: file))
    }

    /// The shared rotary decoder this config describes: Gemma's, with per-head q/k norms, local and
    /// global rotary frequencies, and logits soft-capped only when `final_logit_softcapping` is set.
    /// `attn_logit_softcapping` is read but, as in `Gemma3Attention`, not applied.
    func spec(file: ConfigFile) throws -> RotaryDecoderSpec {
        let frequencies = try rotaryFrequencies(file: file)
        var spec = try gemma.spec(family: "Gemma3", baseModelName: "Gemma3TextModel", layerTypes: gemma.layerTypes(pattern: slidingWindowPattern),
                                  rotaryFrequencies: [frequencies.full, frequencies.sliding],
                                  rotary: { $0 == "sliding_attention" ? 1 : 0 }, file: file)
        spec.queryKeyNorm = .perHead
        spec.finalLogitSoftcap = gemma.finalLogitSoftcapping ?? nil
        return spec
    }
}
