/// How a fused qkv linear orders its output channels, each head `headSize` channels wide.
public enum QKVLayout: String, Codable, Sendable, CaseIterable {
    /// All query heads, then all key heads, then all value heads: GPT-2's `c_attn`, Phi-3's
    /// `qkv_proj`, Falcon's multi-query `query_key_value`.
    case concatenated
    /// One block per key/value head: its query heads, then its key, then its value. Falcon's new
    /// decoder architecture; GPT-NeoX's and BLOOM's per-head `[q, k, v]` are the case of one query
    /// head per block.
    case grouped

    /// The fused output channels of each query head, and of each key/value head's key and value.
    public func channels(heads: Int, keyValueHeads: Int, headSize: Int) -> (query: [Range<Int>], key: [Range<Int>], value: [Range<Int>]) {
        func head(_ start: Int) -> Range<Int> { start..<(start + headSize) }
        switch self {
        case .concatenated:
            let keyStart = heads * headSize, valueStart = keyStart + keyValueHeads * headSize
            return ((0..<heads).map { head($0 * headSize) },
                    (0..<keyValueHeads).map { head(keyStart + $0 * headSize) },
                    (0..<keyValueHeads).map { head(valueStart + $0 * headSize) })
        case .grouped:
            let group = heads / max(keyValueHeads, 1), block = (group + 2) * headSize
            return ((0..<heads).map { head(($0 / group) * block + ($0 % group) * headSize) },
                    (0..<keyValueHeads).map { head($0 * block + group * headSize) },
                    (0..<keyValueHeads).map { head($0 * block + (group + 1) * headSize) })
        }
    }
}
