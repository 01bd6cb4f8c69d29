import Foundation

/// A key written twice in one object of a JSON text. `JSONSerialization` accepts such a text and
/// keeps the last value, silently; formats that forbid it (safetensors headers) look for one first.
struct JSONDuplicateKey: Equatable {
    /// The keys leading to the object that holds the duplicate, outermost first (`[]` for the
    /// top-level object; an array along the way adds nothing).
    let path: [String]
    /// The repeated key.
    let key: String

    /// The first duplicate key in `json`, or nil. `json` must be valid JSON (parse it first): this
    /// only walks the tokens. Keys compare after unescaping (`"\u0077"` is `"w"`), as Swift
    /// strings compare, so two keys a parsed dictionary would merge count as one key.
    static func first(in json: Data) -> JSONDuplicateKey? {
        let bytes = [UInt8](json)
        /// One open container: an object's keys so far and its current key, or an array.
        struct Frame {
            var keys: Set<String>?
            var currentKey: String?
        }
        var frames: [Frame] = []
        var expectingKey = false
        var position = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "{"):
                frames.append(Frame(keys: [], currentKey: nil))
                expectingKey = true
            case UInt8(ascii: "["):
                frames.append(Frame(keys: nil, currentKey: nil))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                frames.removeLast()
                expectingKey = false
            case UInt8(ascii: ","):
                expectingKey = frames.last?.keys != nil
            case UInt8(ascii: "\""):
                let start = position
                position += 1
                while bytes[position] != UInt8(ascii: "\"") {
                    position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
                }
                if expectingKey {
                    let key = string(Array(bytes[start...position]))
                    if frames[frames.count - 1].keys!.insert(key).inserted == false {
                        return JSONDuplicateKey(path: frames.dropLast().compactMap(\.currentKey), key: key)
                    }
                    frames[frames.count - 1].currentKey = key
                    expectingKey = false
                }
            default:
                break
            }
            position += 1
        }
        return nil
    }

    /// The value of the JSON string token `token` (quotes included).
    private static func string(_ token: [UInt8]) -> String {
        guard token.contains(UInt8(ascii: "\\")) else { return String(decoding: token.dropFirst().dropLast(), as: UTF8.self) }
        return (try? JSONSerialization.jsonObject(with: Data(token), options: .fragmentsAllowed)) as? String ?? ""
    }
}
