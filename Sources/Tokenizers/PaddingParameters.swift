/// How encodings are padded: Hugging Face `tokenizers`' `PaddingParams` (the `padding` section of
/// `tokenizer.json`).
public struct PaddingParameters: Equatable, Sendable {
    /// Which side gets the padding tokens.
    public enum Side: String, Sendable {
        case left = "Left"
        case right = "Right"
    }

    /// A fixed length, or nil to pad to the longest encoding of the batch.
    public var length: Int?
    public var side: Side
    public var padId: Int
    public var padTypeId: Int
    public var padToken: String
    public var padToMultipleOf: Int?

    public init(length: Int? = nil, side: Side = .right, padId: Int = 0, padTypeId: Int = 0, padToken: String = "[PAD]", padToMultipleOf: Int? = nil) {
        self.length = length
        self.side = side
        self.padId = padId
        self.padTypeId = padTypeId
        self.padToken = padToken
        self.padToMultipleOf = padToMultipleOf
    }

    init?(json: JSONValue?) throws {
        guard let json, !json.isNull else { return nil }
        let component = "padding"
        var length: Int?
        if let strategy = json["strategy"], strategy.string != "BatchLongest" {
            guard let fixed = strategy["Fixed"]?.int, fixed >= 0 else {
                throw TokenizerError.invalid(component: component, reason: "'strategy' is neither \"BatchLongest\" nor {\"Fixed\": n}")
            }
            length = fixed
        }
        guard let side = Side(rawValue: json["direction"]?.string ?? "Right") else {
            throw TokenizerError.invalid(component: component, reason: "unknown direction")
        }
        self.init(
            length: length, side: side, padId: json["pad_id"]?.int ?? 0, padTypeId: json["pad_type_id"]?.int ?? 0,
            padToken: json["pad_token"]?.string ?? "[PAD]", padToMultipleOf: json["pad_to_multiple_of"]?.int
        )
    }

    /// Pads every encoding to the fixed length or the batch's longest, rounded up to the multiple (`pad_encodings`).
    public func pad(_ encodings: inout [Encoding]) {
        guard !encodings.isEmpty else { return }
        var target = length ?? encodings.map(\.count).max() ?? 0
        if let multiple = padToMultipleOf, multiple > 0, target % multiple > 0 { target += multiple - target % multiple }
        for index in encodings.indices { encodings[index].pad(to: target, with: self) }
    }
}
