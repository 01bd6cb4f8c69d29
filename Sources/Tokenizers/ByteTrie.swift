/// A trie over token bytes answering "which tokens are prefixes of the text here" (the common-prefix
/// search of Hugging Face's Unigram model).
struct ByteTrie: Sendable {
    /// Child node of (node, byte), keyed `node << 8 | byte`.
    private var children: [Int: Int32] = [:]
    /// The token id ending at each node, -1 if none.
    private var values: [Int32] = [-1]

    /// Adds a token; a later insertion of the same bytes replaces the id.
    mutating func insert(_ bytes: [UInt8], id: Int) {
        var node = 0
        for byte in bytes {
            let key = node << 8 | Int(byte)
            if let child = children[key] {
                node = Int(child)
            } else {
                values.append(-1)
                let child = values.count - 1
                children[key] = Int32(child)
                node = child
            }
        }
        if node != 0 { values[node] = Int32(id) }
    }

    /// Calls `body(id, length)` for every token that starts at `start`, shortest first.
    @inline(__always)
    func forEachPrefix(of bytes: [UInt8], from start: Int, _ body: (Int, Int) -> Void) {
        var node = 0
        var index = start
        while index < bytes.count, let child = children[node << 8 | Int(bytes[index])] {
            node = Int(child)
            index += 1
            let value = values[node]
            if value >= 0 { body(Int(value), index - start) }
        }
    }
}
