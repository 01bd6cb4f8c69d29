/// One row of the registry (`Architectures.table`): the Hugging Face classes slimtrace builds for a
/// `model_type`, the base model first, each with its builder, and the prefix under which the full
/// models keep the base model (`bert`, `model`, `transformer`, `vit`).
public struct Architecture: Sendable {
    /// The class names (`architectures[0]`), the base model first.
    public let classNames: [String]
    /// The prefix of a full model's base-model tensors: a checkpoint without `basePrefix.` tensors
    /// was saved from the base model.
    public let basePrefix: String
    /// Where the family's `config.json` keeps the sizes a slim changes (`ModelConfiguration.configSizeKeys`).
    public private(set) var configSizeKeys: ConfigSizeKeys?
    private let builders: [@Sendable (ModelSource) throws -> any TransformerModel]

    /// A family whose config is `Config`: each class name with the initializer that builds it from
    /// the config (and, when the tree depends on the saved tensors, the `ModelSource`).
    init<Config: ModelConfiguration>(_ config: Config.Type, prefix: String, _ classes: KeyValuePairs<String, Builder<Config>>) {
        classNames = classes.map(\.key)
        basePrefix = prefix
        configSizeKeys = Config.configSizeKeys
        builders = classes.map { _, builder in { source in try builder.make(Config.load(source.file), source) } }
    }

    /// The same row without config size keys, for a family whose config keeps the sizes a slim
    /// changes under keys its config type does not name (the routed-experts families: expert and
    /// shared-expert widths): `--uniform` then slims nothing and says why.
    func withoutConfigSizeKeys() -> Architecture {
        var row = self
        row.configSizeKeys = nil
        return row
    }

    /// How one class is built from its family's config.
    struct Builder<Config: ModelConfiguration>: Sendable {
        let make: @Sendable (Config, ModelSource) throws -> any TransformerModel

        /// A class built from the config alone.
        init<Model: TransformerModel>(_ make: @escaping @Sendable (Config) throws -> Model) {
            self.make = { config, _ in try make(config) }
        }

        /// A class built from the config and the checkpoint it is loaded from.
        init<Model: TransformerModel>(_ make: @escaping @Sendable (Config, ModelSource) throws -> Model) {
            self.make = { config, source in try make(config, source) }
        }
    }

    /// Builds class `name` (one of `classNames`).
    func build(_ name: String, from source: ModelSource) throws -> any TransformerModel {
        guard let index = classNames.firstIndex(of: name) else {
            throw ModelError.unsupportedArchitecture(name, modelType: source.file.modelType, supported: classNames)
        }
        return try builders[index](source)
    }

    /// The class a checkpoint holds. Without weights: `requested` (`architectures[0]`), else the
    /// base model. With weights but no `basePrefix.` tensor: the base model, whatever was requested.
    /// With them: `requested`, else the head whose marker tensors are there (`classifier.*` for
    /// a classifier, `lm_head.*` for a language model), else the first head (a decoder whose
    /// `lm_head` is tied to its embeddings stores no `lm_head.weight`).
    func className(requested: String?, tensorNames: Set<String>, modelType: String) throws -> String {
        if let requested, !classNames.contains(requested) {
            throw ModelError.unsupportedArchitecture(requested, modelType: modelType, supported: classNames)
        }
        let base = classNames[0], heads = classNames.dropFirst()
        if tensorNames.isEmpty { return requested ?? base }
        guard tensorNames.contains(where: { $0.hasPrefix(basePrefix + ".") }) else { return base }
        if let requested { return requested }
        return heads.first { head in tensorNames.contains { $0.hasPrefix(Self.marker(ofHead: head)) } } ?? heads.first ?? base
    }

    /// The tensor-name prefix only a checkpoint of head class `name` holds: `classifier.` for
    /// `*ForSequenceClassification` and `*ForImageClassification`, `decoder.` for ModernBERT's
    /// masked-LM head, `lm_head.` for language models.
    private static func marker(ofHead name: String) -> String {
        if name.hasSuffix("Classification") { return "classifier." }
        return name.hasSuffix("ForMaskedLM") ? "decoder." : "lm_head."
    }
}
