/// One self-attention block: its query/key/value linears and its output projection. JSON keeps
/// INC's shape (`qkv`, `ffn`, `mha_name`) plus the head geometry slimtrace reads from the graph.
public struct AttentionFinding: Codable, Equatable, Sendable {
    /// Query, key and value linears in execution order; one entry for a fused qkv linear (GPT-2 `c_attn`).
    public var qkv: [String]
    /// The output projection (INC's "ffn" of the attention).
    public var ffn: [String]
    /// INC's `obtain_mha_module`: the common parent of the first and last qkv linear.
    public var mhaName: [String]
    /// True when one linear computes q, k and v together.
    public var fusedQKV: Bool
    /// How a fused qkv linear orders q, k and v (nil for separate linears, or a layout slimtrace
    /// does not know, which is then not slimmed).
    public var qkvLayout: QKVLayout?
    /// Query heads, or nil when the graph does not show the attention matmuls.
    public var numHeads: Int?
    /// Key/value heads (fewer than `numHeads` with grouped-query attention).
    public var numKVHeads: Int?
    /// Channels per head.
    public var headSize: Int?

    enum CodingKeys: String, CodingKey {
        case qkv, ffn
        case mhaName = "mha_name"
        case fusedQKV = "fused_qkv"
        case qkvLayout = "qkv_layout"
        case numHeads = "num_heads"
        case numKVHeads = "num_kv_heads"
        case headSize = "head_size"
    }
}
