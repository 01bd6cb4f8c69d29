import Foundation

/// The one JSON configuration of the commands' JSON reports (search, slim, bench, the Keras head
/// search): pretty-printed, keys sorted, slashes unescaped so paths read as typed.
enum JSONOutput {
    /// An encoder with that configuration.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` as JSON text.
    static func string(_ value: some Encodable) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }
}
