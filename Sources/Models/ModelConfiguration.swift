/// A family's `config.json` (`BertConfiguration`, `LlamaConfiguration`, ...): `Decodable` with
/// snake_case coding keys and the defaults of the family's Hugging Face config class (JSON `null`
/// counts as absent), activations parsed while decoding, and the common sizes under one naming
/// scheme. `load(_:)` checks those sizes here, once, naming each Hugging Face key from
/// `CodingKeys`; a family adds only its own checks in `validate(in:)`.
protocol ModelConfiguration: Decodable, Sendable {
    /// The coding keys, which name the common sizes' Hugging Face keys.
    associatedtype CodingKeys: ConfigurationKeys
    /// The width of the hidden states (`hidden_size`, `n_embd`, `dim`).
    var hiddenSize: Int { get }
    /// The number of layers (`num_hidden_layers`, `n_layer`, `n_layers`).
    var layerCount: Int { get }
    /// Attention heads per layer (`num_attention_heads`, `n_head`, `n_heads`).
    var headCount: Int { get }
    /// Key/value heads per layer (`num_key_value_heads`); `headCount` without grouped-query attention.
    var keyValueHeadCount: Int { get }
    /// The feed-forward width (`intermediate_size`, `ffn_dim`, `n_inner`, `hidden_dim`).
    var intermediateSize: Int { get }
    /// The head size when the config gives it (`head_dim`); nil: `hiddenSize / headCount`.
    var declaredHeadSize: Int? { get }
    /// The row counts of the embedding tables the config sizes (vocabulary, positions, token
    /// types), each under its key.
    var tableSizes: KeyValuePairs<CodingKeys, Int> { get }
    /// The key of `keyValueHeadCount` (`num_key_value_heads`); a family without one names
    /// `headCount`, which it then equals.
    static var keyValueHeadCountKey: CodingKeys { get }
    /// The key of `declaredHeadSize` (`head_dim`); a family without one names `hiddenSize`.
    static var headSizeKey: CodingKeys { get }
    /// The `config.json` keys that hold the sizes a slim changes, so `slim --uniform` can write
    /// them; nil (the default) when slimtrace does not know them.
    static var configSizeKeys: ConfigSizeKeys? { get }
    /// The family's own checks, made after the common ones.
    func validate(in file: ConfigFile) throws
}

/// The coding keys of a `ModelConfiguration`: a family's `CodingKeys` enum has a case for each
/// common size, named as the property (`case hiddenSize = "n_embd"`).
protocol ConfigurationKeys: CodingKey {
    static var hiddenSize: Self { get }
    static var layerCount: Self { get }
    static var headCount: Self { get }
    static var intermediateSize: Self { get }
}

extension ModelConfiguration {
    var keyValueHeadCount: Int { headCount }
    var declaredHeadSize: Int? { nil }
    static var keyValueHeadCountKey: CodingKeys { .headCount }
    static var headSizeKey: CodingKeys { .hiddenSize }
    /// Unknown: a uniform slim writes no Hugging Face config for the family.
    static var configSizeKeys: ConfigSizeKeys? { nil }
    func validate(in file: ConfigFile) throws {}

    /// The width of one attention head: `head_dim`, else `hiddenSize / headCount`.
    var headSize: Int { declaredHeadSize ?? hiddenSize / headCount }

    /// Decodes `file` and checks it: the common sizes (positive, bounded by `ConfigLimits`, heads
    /// splitting the hidden size and grouping evenly), a classifier's labels, then the family's own
    /// checks. Each error names the file and the Hugging Face key.
    static func load(_ file: ConfigFile) throws -> Self {
        let config = try file.decode(Self.self)
        try config.checkCommonSizes(in: file)
        try (config as? any ClassifierConfiguration)?.checkLabels(in: file)
        try config.validate(in: file)
        return config
    }

    private func checkCommonSizes(in file: ConfigFile) throws {
        for (key, size) in tableSizes { try file.requireTableSize([key.stringValue: size]) }
        let hidden = CodingKeys.hiddenSize.stringValue, heads = CodingKeys.headCount.stringValue
        let keyValueHeads = Self.keyValueHeadCountKey.stringValue
        try file.requirePositive([hidden: hiddenSize, CodingKeys.intermediateSize.stringValue: intermediateSize,
                                  heads: headCount, keyValueHeads: keyValueHeadCount])
        try file.requireLayerCount(CodingKeys.layerCount.stringValue, layerCount)
        try file.require(headCount % keyValueHeadCount == 0, keyValueHeads, "(\(keyValueHeadCount)) must divide \(heads) (\(headCount))")
        if let declaredHeadSize {
            try file.requirePositive([Self.headSizeKey.stringValue: declaredHeadSize])
        } else {
            try file.requireDivisible(hidden, hiddenSize, by: heads, headCount)
        }
    }
}
