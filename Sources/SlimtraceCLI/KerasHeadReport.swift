/// The JSON report of a Keras head search (`search` on a `.keras` archive); `head` is written as
/// `null` when there is none.
struct KerasHeadReport: Encodable {
    let model: String
    let layers: [String]
    let head: String?

    private enum CodingKeys: String, CodingKey {
        case model, layers, head
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(layers, forKey: .layers)
        try container.encode(head, forKey: .head)
    }
}
