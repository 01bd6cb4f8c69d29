import Tokenizers

/// An encoding as `tokenize` prints it (Hugging Face `Encoding`'s field names).
struct TokenizeReport: Encodable {
    let ids: [Int]
    let tokens: [String]
    let offsets: [[Int]]
    let typeIds: [Int]
    let attentionMask: [Int]
    let specialTokensMask: [Int]

    enum CodingKeys: String, CodingKey {
        case ids, tokens, offsets
        case typeIds = "type_ids"
        case attentionMask = "attention_mask"
        case specialTokensMask = "special_tokens_mask"
    }

    init(_ encoding: Encoding) {
        ids = encoding.ids
        tokens = encoding.tokens
        offsets = encoding.offsets.map { [$0.lowerBound, $0.upperBound] }
        typeIds = encoding.typeIds
        attentionMask = encoding.attentionMask
        specialTokensMask = encoding.specialTokensMask
    }

    /// One row per token (type ids for a pair), then the count.
    func table(withTypes: Bool) -> String {
        let header = ["#", "id", "token", "offsets"] + (withTypes ? ["type"] : [])
        let rows = ids.indices.map { index in
            [String(index), String(ids[index]), TokenizeReport.quoted(tokens[index]), "\(offsets[index][0])..<\(offsets[index][1])"]
                + (withTypes ? [String(typeIds[index])] : [])
        }
        let lines = TextTable.aligned([header] + rows, rightAligned: [0, 1])
        return (lines + ["\(ids.count) token\(ids.count == 1 ? "" : "s")"]).joined(separator: "\n")
    }

    /// `token` as a JSON string (quotes, backslashes and control characters escaped).
    static func quoted(_ token: String) -> String {
        (try? JSONOutput.string(token)) ?? token
    }
}
