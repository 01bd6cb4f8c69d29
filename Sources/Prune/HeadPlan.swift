/// The heads pruning removes from one attention block: whole key/value groups (a key/value head and
/// its query heads; one query head each without grouped-query attention), zeroed in q, k, v and in
/// the output projection's input columns.
public struct HeadPlan: Codable, Sendable, Equatable {
    /// The q/k/v linears (one when fused), e.g. `model.layers.0.self_attn.q_proj`.
    public var qkv: [String]
    /// The output projection (`o_proj`, `attention.output.dense`).
    public var output: String
    /// Query heads, key/value heads and channels per head before pruning.
    public var heads: Int
    public var keyValueHeads: Int
    public var headSize: Int
    /// The removed key/value groups (key/value head indices), ascending.
    public var removedGroups: [Int]
    /// The removed query heads, ascending.
    public var removedHeads: [Int]

    enum CodingKeys: String, CodingKey {
        case qkv, output, heads
        case keyValueHeads = "num_kv_heads"
        case headSize = "head_size"
        case removedGroups = "removed_kv_groups"
        case removedHeads = "removed_heads"
    }
}
