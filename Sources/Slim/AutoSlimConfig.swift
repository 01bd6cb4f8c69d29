import Searchers

/// Errors in the auto-slim configuration request.
public enum AutoSlimConfigError: Error, Equatable, CustomStringConvertible {
    case invalidSetting(String)

    public var description: String {
        switch self {
        case let .invalidSetting(text): "--set \"\(text)\": expected key=value"
        }
    }
}

/// INC's `parse_auto_slim_config`: the pruning configs that make a model slimmable, for a Python user
/// to feed to INC's pruner: one `channelx1` config over every Linear2Linear root when
/// `0 < ffn2Sparsity < 1`, and one `mha` config when `0 < mhaSparsity < 1`, each with the extra
/// settings applied as Python's `dict.update` would: a key the config has is replaced in place, a
/// new key is appended, and a key set twice keeps its last value.
public enum AutoSlimConfig {
    /// The config list, keys in INC's order (`op_names`, `pattern`, `target_sparsity`, then the settings).
    public static func make(linear2linear: [Linear2LinearFinding], ffn2Sparsity: Double, mhaSparsity: Double,
                            settings: [(key: String, value: JSONValue)] = []) -> JSONValue {
        var configs: [JSONValue] = []
        if ffn2Sparsity > 0, ffn2Sparsity < 1 {
            configs.append(.object(updated([
                ("op_names", .array(linear2linear.map { .string($0.rootLinear) })),
                ("pattern", .string("channelx1")),
                ("target_sparsity", .number(ffn2Sparsity)),
            ], with: settings)))
        }
        if mhaSparsity > 0, mhaSparsity < 1 {
            configs.append(.object(updated([("pattern", .string("mha")), ("target_sparsity", .number(mhaSparsity))], with: settings)))
        }
        return .array(configs)
    }

    /// `entries` with each setting replacing the entry of its key, or appended when there is none.
    private static func updated(_ entries: [(key: String, value: JSONValue)],
                                with settings: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
        settings.reduce(into: entries) { entries, setting in
            if let index = entries.firstIndex(where: { $0.key == setting.key }) {
                entries[index].value = setting.value
            } else {
                entries.append((setting.key, setting.value))
            }
        }
    }

    /// Parses `key=value` settings (values as JSON where they parse, else strings).
    public static func parseSettings(_ arguments: [String]) throws -> [(key: String, value: JSONValue)] {
        try arguments.map { argument in
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw AutoSlimConfigError.invalidSetting(argument)
            }
            return (String(argument[..<equals]), JSONValue.parsingArgument(String(argument[argument.index(after: equals)...])))
        }
    }
}
