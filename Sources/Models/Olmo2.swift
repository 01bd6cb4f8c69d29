import NN

/// `config.json` of an OLMo 2 checkpoint (`Olmo2Config`): the shared rotary decoder keys, with
/// OLMo 2's defaults, and its own.
public struct Olmo2Configuration: Decodable, Sendable {
    /// The keys the rotary decoder families share.
    public var decoder: RotaryDecoderConfiguration
    /// `hidden_act` (default `silu`).
    public var hiddenAct: ActivationName
    /// `rope_parameters` (transformers 5).
    public var ropeParameters: RopeParameters?

    enum CodingKeys: String, CodingKey {
        case hiddenAct = "hidden_act"
        case ropeParameters = "rope_parameters"
    }

    public init(from decoder: Decoder) throws {
        self.decoder = try RotaryDecoderConfiguration(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hiddenAct = try container.decodeIfPresent(ActivationName.self, forKey: .hiddenAct) ?? .silu
        ropeParameters = try container.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
    }

    /// Decodes `file` and checks that the sizes fit together, naming the offending key.
    public init(file: ConfigFile) throws {
        self = try file.decode(Olmo2Configuration.self)
        if decoder.headDimensions == nil {
            try file.requireDivisible("hidden_size", decoder.hiddenSize, by: "num_attention_heads", decoder.headCount)
        }
        try decoder.check(keyValueHeadCount: keyValueHeadCount, headSize: headSize, file: file)
    }

    /// `num_key_value_heads`; absent or null means one per attention head.
    public var keyValueHeadCount: Int { decoder.keyValueHeads ?? decoder.headCount }

    /// `head_dim`, else `hidden_size / num_attention_heads`.
    public var headSize: Int { decoder.derivedHeadSize }

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

/// OLMo 2 (`model_type` `olmo2`): `Olmo2Model`, `Olmo2ForCausalLM`.
public enum Olmo2Architecture: Architecture {
    public static let modelTypes = ["olmo2"]
    public static let classNames = ["Olmo2Model", "Olmo2ForCausalLM"]
    public static func basePrefix(modelType: String) -> String { "model" }
    public static let configSizeKeys: ConfigSizeKeys? = .decoder

    public static func build(className: String, config file: ConfigFile) throws -> any TransformerModel {
        try Olmo2Configuration(file: file).spec(file: file).build(className: className, classNames: classNames, config: file)
    }
}
