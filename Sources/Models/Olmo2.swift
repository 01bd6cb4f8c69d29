import NN

/// `config.json` of an OLMo 2 checkpoint (`Olmo2Config`): the shared rotary decoder keys, with
/// OLMo 2's defaults, and its own.
public struct Olmo2Configuration: RotaryDecoderFamilyConfiguration {
    /// The keys the rotary decoder families share.
    public var decoder: RotaryDecoderConfiguration
    /// `hidden_act` (default `silu`).
    public var hiddenAct: ActivationName
    /// `rope_parameters` (transformers 5).
    public var ropeParameters: RopeParameters?

    static let configSizeKeys: ConfigSizeKeys? = .decoder

    enum FamilyKeys: String, CodingKey {
        case hiddenAct = "hidden_act"
        case ropeParameters = "rope_parameters"
    }

    public init(from decoder: Decoder) throws {
        self.decoder = try RotaryDecoderConfiguration(from: decoder)
        let container = try decoder.container(keyedBy: FamilyKeys.self)
        hiddenAct = try container.decodeIfPresent(ActivationName.self, forKey: .hiddenAct) ?? .silu
        ropeParameters = try container.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
    }

    /// The rotary decoder's checks.
    func validate(in file: ConfigFile) throws {
        try decoder.check(headSize: headSize, file: file)
    }

    /// `num_key_value_heads`; absent or null means one per attention head.
    var keyValueHeadCount: Int { decoder.keyValueHeads ?? decoder.headCount }

    /// `head_dim`; absent: `hidden_size / num_attention_heads`.
    var declaredHeadSize: Int? { decoder.headDimensions }

    /// The shared rotary decoder this config describes: LLaMA's with the norms after attention and
    /// the MLP instead of before, and q/k norms over the whole projection (all heads together).
    func spec(file: ConfigFile) throws -> RotaryDecoderSpec {
        var spec = RotaryDecoderSpec(
            classPrefix: "Olmo2", baseModelName: "Olmo2Model", decoder: decoder, keyValueHeadCount: keyValueHeadCount, headSize: headSize,
            activation: hiddenAct, rmsNormEps: decoder.rmsNormEps ?? 1e-5, tieWordEmbeddings: decoder.tieWordEmbeddings ?? false,
            rotaryFrequencies: [try decoder.rotaryFrequencies(ropeParameters, headSize: headSize, file: file)],
            layers: Array(repeating: (nil, 0), count: decoder.layerCount))
        spec.normPlacement = .postNorm
        spec.queryKeyNorm = .acrossHeads
        return spec
    }
}
