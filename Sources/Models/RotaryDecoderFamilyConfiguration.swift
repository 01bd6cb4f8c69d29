/// The config of a family built on the shared rotary decoder (`LlamaConfig`, `Qwen3Config`,
/// `Gemma2Config`, `Olmo2Config`, ...): a `ModelConfiguration` whose common sizes are the shared
/// keys (`RotaryDecoderConfiguration`), so `ModelConfiguration.load` checks them under the keys
/// these families share, and which resolves to the `RotaryDecoderSpec` its classes are built from.
/// A family gives its key/value head count and head size (their defaults differ), its own checks
/// in `validate(in:)` (calling `decoder.check(headSize:file:)`), and its spec.
protocol RotaryDecoderFamilyConfiguration: ModelConfiguration where CodingKeys == RotaryDecoderConfiguration.CodingKeys {
    /// The keys the rotary decoder families share.
    var decoder: RotaryDecoderConfiguration { get }
    /// The shared rotary decoder this config describes; `file` is named in errors.
    func spec(file: ConfigFile) throws -> RotaryDecoderSpec
}

extension RotaryDecoderFamilyConfiguration {
    var hiddenSize: Int { decoder.hiddenSize }
    var layerCount: Int { decoder.layerCount }
    var headCount: Int { decoder.headCount }
    var intermediateSize: Int { decoder.intermediateSize }
    var tableSizes: KeyValuePairs<CodingKeys, Int> { [.vocabularySize: decoder.vocabularySize] }
    static var keyValueHeadCountKey: CodingKeys { .keyValueHeads }
    static var headSizeKey: CodingKeys { .headDimensions }
}

extension RotaryDecoderModel {
    /// The base model (`LlamaModel`, `Qwen3Model`, ...) of a rotary decoder family's config.
    convenience init(_ config: some RotaryDecoderFamilyConfiguration, source: ModelSource) throws {
        self.init(try config.spec(file: source.file))
    }
}

extension RotaryDecoderForCausalLM {
    /// The causal LM (`LlamaForCausalLM`, `Qwen3ForCausalLM`, ...) of a rotary decoder family's config.
    convenience init(_ config: some RotaryDecoderFamilyConfiguration, source: ModelSource) throws {
        self.init(try config.spec(file: source.file))
    }
}
