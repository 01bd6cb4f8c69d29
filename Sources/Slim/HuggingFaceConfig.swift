import Foundation
import Models
import Tensor

/// Says a slimmed model in its family's own config keys (`ConfigSizeKeys`), the one width and
/// head geometry for every layer that Hugging Face's `PretrainedConfig` holds, and checks it: the
/// family is built from the new config (meta tensors, as `from_pretrained` would size it) and
/// every parameter must have the slimmed model's shape, else the result does not load there.
enum HuggingFaceConfig {
    static func form(of model: any TransformerModel, report: SlimReport, keys: ConfigSizeKeys?, source: ConfigFile) throws -> HuggingFaceForm {
        func no(_ reason: String) -> HuggingFaceForm { HuggingFaceForm(loads: false, settings: [], reason: reason) }
        guard !report.changes.isEmpty else { return HuggingFaceForm(loads: true, settings: [], reason: nil) }
        guard let keys else { return no("slimtrace does not know which config keys hold \(source.modelType)'s sizes") }
        var settings: [ConfigSetting] = []
        let channels = report.changes.filter { $0.kind == .channels }
        if !channels.isEmpty {
            guard let width = single(channels.map(\.after)) else {
                return no("per-layer sizes (\(keys.feedForward) " + channels.map { "\($0.after) in \($0.layer)" }.joined(separator: ", ") + ")")
            }
            settings.append(ConfigSetting(key: keys.feedForward, value: width))
        }
        let heads = report.changes.filter { $0.kind == .heads }
        if !heads.isEmpty {
            switch keys.heads {
            case let .derived(rule):
                return no("its config cannot say fewer heads (the head size is \(rule))")
            case let .explicit(headsKey, keyValueKey, sizeKey):
                guard let geometry = single(heads.map { [$0.after, $0.keyValueHeadsAfter ?? $0.after, $0.headSize ?? 0] }) else {
                    return no("per-layer sizes (heads " + heads.map { "\($0.after) in \($0.layer)" }.joined(separator: ", ") + ")")
                }
                settings += zip([headsKey, keyValueKey, sizeKey], geometry).map { ConfigSetting(key: $0, value: $1) }
            }
        }
        let config = try ConfigFile(data: Data(JSONValue.object(applying(settings, to: entries(of: source))).rendered().utf8), url: source.url)
        if let mismatch = firstMismatch(model, config: config) { return no(mismatch) }
        return HuggingFaceForm(loads: true, settings: settings, reason: nil)
    }

    /// The config's entries, keys sorted, floats written as floats (`2.0` stays `2.0`).
    static func entries(of config: ConfigFile) throws -> [(key: String, value: JSONValue)] {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: config.data) } catch {
            throw SlimError.writeFailed(path: config.url.path, detail: "cannot re-read the config: \(error.localizedDescription)")
        }
        guard case let .object(entries) = JSONValue(parsed: parsed) else {
            throw SlimError.writeFailed(path: config.url.path, detail: "the config is not a JSON object")
        }
        return entries
    }

    /// `entries` with each setting's key set to its value, and without a `slimtrace` section.
    static func applying(_ settings: [ConfigSetting], to entries: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
        settings.reduce(entries.filter { $0.key != "slimtrace" }) { JSONValue.setting($1.key, to: .number(Double($1.value)), in: $0) }
    }

    /// The one value every element has, or nil when they differ.
    private static func single<T: Equatable>(_ values: [T]) -> T? {
        values.allSatisfy { $0 == values.first } ? values.first : nil
    }

    /// Why the family built from `config` would not hold the slimmed model's tensors, or nil when it would.
    private static func firstMismatch(_ model: any TransformerModel, config: ConfigFile) -> String? {
        let shapes = Dictionary(model.namedParameters().map { ($0.name, $0.parameter.shape) }, uniquingKeysWith: { first, _ in first })
        let built: any TransformerModel
        do { built = try Architectures.build(config: config, parameterNames: Set(shapes.keys)) } catch {
            return "the config with the new sizes is refused: \(error.localizedDescription)"
        }
        for (name, parameter) in built.namedParameters() where shapes[name] != parameter.shape {
            return "per-layer sizes (\(name) is \(shapes[name].map(Shape.describe) ?? "missing"), the config would make it \(Shape.describe(parameter.shape)))"
        }
        return nil
    }
}
