/// A model's token ↔ id tables, keyed by exact bytes.
struct Vocabulary: Sendable {
    private(set) var ids: [ByteKey: Int] = [:]
    private(set) var tokens: [Int: String] = [:]

    init() {}

    /// Entries in file order; a repeated token keeps its last id, as Hugging Face's maps do.
    init(_ entries: [(token: String, id: Int)]) {
        ids.reserveCapacity(entries.count)
        tokens.reserveCapacity(entries.count)
        for (token, id) in entries {
            ids[ByteKey(token)] = id
        }
        for (key, id) in ids {
            tokens[id] = String(utf8Bytes: key.bytes)
        }
    }

    /// The `{"token": id}` object of a `tokenizer.json` model.
    init(json: JSONValue?, component: String) throws {
        guard let members = json?.members else {
            throw TokenizerError.invalid(component: component, reason: "'vocab' is not an object of token ids")
        }
        var entries: [(token: String, id: Int)] = []
        entries.reserveCapacity(members.count)
        for (token, value) in members {
            guard let id = value.int, id >= 0 else {
                throw TokenizerError.invalid(component: component, reason: "token '\(token)' has no valid id")
            }
            entries.append((token, id))
        }
        self.init(entries)
    }

    var count: Int { ids.count }

    func id(_ token: ByteKey) -> Int? { ids[token] }

    func id(_ token: String) -> Int? { ids[ByteKey(token)] }

    func token(_ id: Int) -> String? { tokens[id] }
}
