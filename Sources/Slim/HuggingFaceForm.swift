/// Whether Hugging Face transformers loads a slimmed checkpoint (`AutoModel*.from_pretrained`
/// sizes every layer from `config.json` alone), and the config keys written so that it does.
public struct HuggingFaceForm: Codable, Equatable, Sendable {
    /// True when the written `config.json` sizes every tensor as the slimmed checkpoint holds it.
    public var loads: Bool
    /// The keys set in `config.json` (`intermediate_size`, `num_attention_heads`, ...), in order;
    /// empty when nothing changed or the result does not load.
    public var settings: [ConfigSetting]
    /// Why it does not load (per-layer sizes; heads the config cannot say).
    public var reason: String?

    /// The runtimes that load every slim.
    static let alwaysLoads = "slimtrace and ONNX export (`slimtrace export`)"

    /// One line naming the runtimes that load the result and those that do not.
    public func runtimes(uniform: Bool) -> String {
        guard loads else {
            return "loads in \(Self.alwaysLoads); not in Hugging Face transformers: \(reason ?? "unknown")"
                + (uniform ? "" : " (--uniform slims to sizes the config can say)")
        }
        let written = settings.isEmpty ? "" : " (config.json: " + settings.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        return "loads in \(Self.alwaysLoads), and in Hugging Face transformers" + written
    }
}

/// One config key a slim sets, with its new value.
public struct ConfigSetting: Codable, Equatable, Sendable {
    public var key: String
    public var value: Int
}
