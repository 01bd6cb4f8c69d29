import Foundation

/// A JSON value whose objects keep their key order, for output that must list keys the way INC's
/// Python dictionaries do.
public indirect enum JSONValue: Equatable, Sendable, Decodable {
    case string(String)
    case number(Double)
    /// A number Python reads as a float (written with a fraction or an exponent: `2.0`, `1e-05`),
    /// rendered with one again, so a config field typed `float` (ModernBERT's
    /// `initializer_cutoff_factor`) still validates in transformers.
    case float(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.rendered() == rhs.rendered()
    }

    /// Parses a `--set` value: JSON when it is valid JSON (`10`, `0.5`, `true`, `"x"`, `[1,2]`), else the text as a string.
    public static func parsingArgument(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }

    /// The value as JSON text, objects in key order, indented by `indent` spaces per level (0: one line).
    /// With `compactNumberArrays`, an array of numbers stays on one line (`[1, 3]`), so a list of
    /// removed channels does not take a line per channel.
    public func rendered(indent: Int = 0, level: Int = 0, compactNumberArrays: Bool = false) -> String {
        let newline = indent > 0 ? "\n" : ""
        let pad = String(repeating: " ", count: indent * (level + 1))
        let closingPad = String(repeating: " ", count: indent * level)
        let separator = indent > 0 ? ": " : ":"
        switch self {
        case let .string(text): return JSONValue.quoted(text)
        case let .number(value):
            return value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case let .float(value): return String(value)
        case let .bool(value): return String(value)
        case .null: return "null"
        case let .array(items):
            guard !items.isEmpty else { return "[]" }
            if compactNumberArrays, items.allSatisfy({ switch $0 { case .number, .float: true; default: false } }) {
                return "[" + items.map { $0.rendered() }.joined(separator: indent > 0 ? ", " : ",") + "]"
            }
            return "[" + newline + items.map { pad + $0.rendered(indent: indent, level: level + 1, compactNumberArrays: compactNumberArrays) }
                .joined(separator: "," + newline) + newline + closingPad + "]"
        case let .object(entries):
            guard !entries.isEmpty else { return "{}" }
            return "{" + newline + entries.map {
                pad + JSONValue.quoted($0.key) + separator + $0.value.rendered(indent: indent, level: level + 1, compactNumberArrays: compactNumberArrays)
            }
                .joined(separator: "," + newline) + newline + closingPad + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self).dropFirst().dropLast().description
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else {
            let dictionary = try container.decode([String: JSONValue].self)
            self = .object(dictionary.keys.sorted().map { ($0, dictionary[$0]!) })
        }
    }
}

extension JSONValue {
    /// A value `JSONSerialization` parsed (object keys sorted), numbers written with a fraction or
    /// an exponent kept as `.float`; nil for anything JSON cannot hold.
    init?(parsed value: Any) {
        switch value {
        case is NSNull: self = .null
        case let text as String: self = .string(text)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c": self = .bool(number.boolValue)
            case "d", "f": self = .float(number.doubleValue)
            default: self = .number(number.doubleValue)
            }
        case let items as [Any]:
            let values = items.compactMap(JSONValue.init(parsed:))
            guard values.count == items.count else { return nil }
            self = .array(values)
        case let object as [String: Any]:
            let entries = object.keys.sorted().compactMap { key in JSONValue(parsed: object[key]!).map { (key: key, value: $0) } }
            guard entries.count == object.count else { return nil }
            self = .object(entries)
        default: return nil
        }
    }

    /// An object's `entries` with `key` set to `value`: in place when the key is there, else before
    /// the first key that sorts after it (Hugging Face saves a config's keys sorted).
    static func setting(_ key: String, to value: JSONValue,
                        in entries: [(key: String, value: JSONValue)]) -> [(key: String, value: JSONValue)] {
        var entries = entries
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.insert((key, value), at: entries.firstIndex { $0.key > key } ?? entries.endIndex)
        }
        return entries
    }
}
