import NN

/// `config.json` of a Qwen3 checkpoint (`Qwen3Config`): the shared rotary decoder keys, with
/// Qwen3's defaults, and its own.
public struct Qwen3Configuration: RotaryDecoderFamilyConfiguration {
    /// The keys the rotary decoder families share.
    public var decoder: RotaryDecoderConfiguration
    /// `hidden_act` (default `silu`).
    public var hiddenAct: ActivationName
    /// `rope_parameters` (transformers 5).
    public var ropeParameters: RopeParameters?
    /// `sliding_window` (used only with `use_sliding_window`).
    public var slidingWindow: Int?
    /// `use_sliding_window` (default false).
    public var useSlidingWindow: Bool
    /// Layers from this index on use the window when `layer_types` is absent (default 28).
    public var maxWindowLayers: Int

    static let configSizeKeys: ConfigSizeKeys? = .decoder

    enum FamilyKeys: String, CodingKey {
        case hiddenAct = "hidden_act"
        case ropeParameters = "rope_parameters"
        case slidingWindow = "sliding_window"
        case useSlidingWindow = "use_sliding_window"
        case maxWindowLayers = "max_window_layers"
    }

    public init(from decoder: Decoder) throws {
        self.decoder = try RotaryDecoderConfiguration(from: decoder)
        let container = try decoder.container(keyedBy: FamilyKeys.self)
        hiddenAct = try container.decodeIfPresent(ActivationName.self, forKey: .hiddenAct) ?? .silu
        ropeParameters = try container.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        slidingWindow = try container.decodeNullable(Int.self, forKey: .slidingWindow) ?? 4096
        useSlidingWindow = try container.decodeIfPresent(Bool.self, forKey: .useSlidingWindow) ?? false
        maxWindowLayers = try container.decodeIfPresent(Int.self, forKey: .maxWindowLayers) ?? 28
    }

    /// The rotary decoder's checks, a positive window.
    func validate(in file: ConfigFile) throws {
        try decoder.check(headSize: headSize, file: file)
        try file.require(slidingWindow.map { $0 > 0 } ?? true, "sliding_window", "must be positive, got \(slidingWindow ?? 0)")
    }

    /// `num_key_value_heads`; absent or null means one per attention head.
    var keyValueHeadCount: Int { decoder.keyValueHeads ?? decoder.headCount }

    /// `head_dim` (Qwen3's default 128, not `hidden_size / num_attention_heads`).
    var declaredHeadSize: Int? { decoder.headDimensions ?? 128 }

    /// The attention window of layer `index` (`Qwen3Config`: `sliding_window` only with
    /// `use_sliding_window`, on the layers `layer_types` marks, or from `max_window_layers` on).
    func slidingWindow(layer index: Int) -> Int? {
        guard useSlidingWindow, let slidingWindow else { return nil }
        let type = decoder.layerTypes?[index] ?? (index >= maxWindowLayers ? "sliding_attention" : "full_attention")
        return type == "sliding_attention" ? slidingWindow : nil
    }

    /// The shared rotary decoder this config describes: LLaMA's, with per-head q/k norms.
    func spec(file: ConfigFile) throws -> RotaryDecoderSpec {
        var spec = RotaryDecoderSpec(
            classPrefix: "Qwen3", baseModelName: "Qwen3Model", decoder: decoder, keyValueHeadCount: keyValueHeadCount, headSize: headSize,
            activation: hiddenAct, rmsNormEps: decoder.rmsNormEps ?? 1e-6, tieWordEmbeddings: decoder.tieWordEmbeddings ?? false,
            rotaryFrequencies: [try decoder.rotaryFrequencies(ropeParameters, headSize: headSize, file: file)],
            layers: (0..<decoder.layerCount).map { (slidingWindow(layer: $0), 0) })
        spec.queryKeyNorm = .perHead
        return spec
    }
}
