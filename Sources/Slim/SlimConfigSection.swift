import Searchers

/// The `slimtrace` section a slimmed checkpoint's `config.json` gets: per layer what changed, the
/// rounding, and the verification difference. The rest of the config stays the original's, so
/// `num_attention_heads`, `intermediate_size` and the head size keep their original values; the
/// per-layer sizes are the tensors' (slimtrace's loader takes them from there):
///
/// ```json
/// "slimtrace": {
///   "layers": {
///     "bert.encoder.layer.0": {"intermediate_size": 64, "removed_channels": [0, 2, ...],
///                              "num_attention_heads": 2, "removed_heads": [1, 3]}
///   },
///   "round": 32,
///   "max_abs_diff": 0
/// }
/// ```
///
/// When the slim rewrote the config's own sizes (`HuggingFaceForm`), `original_config` holds the
/// values they had (`{"intermediate_size": 128}`; null for a key that was absent).
/// Re-slimming a slimmed checkpoint records the earlier section under `previous`.
/// Grouped-query attention adds `num_key_value_heads` and `removed_key_value_heads`. When a layer
/// has two changes of one kind (two channel pairs), the second is recorded under its modules'
/// common parent instead (`model.layers.0.mlp`).
enum SlimConfigSection {
    static func make(_ report: SlimReport, originalConfig: [(key: String, value: JSONValue)] = []) -> JSONValue {
        var layers: [(key: String, entries: [(key: String, value: JSONValue)])] = []
        for change in report.changes {
            var key = change.layer
            let keys: [String] = change.kind == .channels
                ? ["intermediate_size", "removed_channels"] : ["num_attention_heads", "removed_heads"]
            if let existing = layers.first(where: { $0.key == key }), existing.entries.contains(where: { $0.key == keys[0] }) {
                key = change.modules.dropFirst().reduce(change.modules[0]) { ModulePaths.commonModule($0, $1) }
            }
            var entries: [(key: String, value: JSONValue)] = [
                (keys[0], .number(Double(change.after))),
                (keys[1], .array(change.removed.map { .number(Double($0)) })),
            ]
            if let after = change.keyValueHeadsAfter, let removed = change.removedKeyValueHeads {
                entries.append(("num_key_value_heads", .number(Double(after))))
                entries.append(("removed_key_value_heads", .array(removed.map { .number(Double($0)) })))
            }
            if let index = layers.firstIndex(where: { $0.key == key }) {
                layers[index].entries += entries
            } else {
                layers.append((key, entries))
            }
        }
        return .object([
            ("layers", .object(layers.map { ($0.key, JSONValue.object($0.entries)) })),
            ("round", .number(Double(report.round))),
            ("max_abs_diff", .number(Double(report.maxAbsDiff))),
        ] + (originalConfig.isEmpty ? [] : [("original_config", .object(originalConfig))]))
    }
}
