import Foundation

extension Graph {
    /// The graph as JSON (its `Codable` form: `nodes`, `values`, `outputs`, `modules`), keys
    /// sorted so the same graph always gives the same bytes.
    public func jsonData(prettyPrinted: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = Graph.nonConformingFloats.encoding
        return try encoder.encode(self)
    }

    /// `jsonData(prettyPrinted:)` as a string.
    public func jsonString(prettyPrinted: Bool = false) throws -> String {
        String(decoding: try jsonData(prettyPrinted: prettyPrinted), as: UTF8.self)
    }

    /// A graph read back from `jsonData(prettyPrinted:)`; throws `DecodingError` for malformed JSON
    /// or an inconsistent graph.
    public init(jsonData data: Data) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = Graph.nonConformingFloats.decoding
        self = try decoder.decode(Graph.self, from: data)
    }

    /// Attributes may hold infinities (a `masked_fill` with `-inf`): JSON has no literal for
    /// them, so they are written as the strings `"inf"`, `"-inf"`, `"nan"`.
    private static var nonConformingFloats: (encoding: JSONEncoder.NonConformingFloatEncodingStrategy,
                                             decoding: JSONDecoder.NonConformingFloatDecodingStrategy) {
        (.convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"),
         .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"))
    }
}
