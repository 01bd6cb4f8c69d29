/// A token produced by a model for one pre-tokenized piece: its id, its text, and its byte offsets
/// in the piece's normalized text.
struct Token: Sendable {
    var id: Int
    var value: String
    var start: Int
    var end: Int
}
