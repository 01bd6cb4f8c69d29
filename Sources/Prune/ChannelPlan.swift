/// The channels pruning removes from one safe Linear2Linear pair: the root's input columns and the
/// frontiers' output rows with the same indices.
public struct ChannelPlan: Codable, Sendable, Equatable {
    /// The root linear (e.g. `model.layers.0.mlp.down_proj`).
    public var root: String
    /// The frontier linears (e.g. `gate_proj`, `up_proj`).
    public var frontiers: [String]
    /// The root's input channels before pruning.
    public var channels: Int
    /// The removed channels, ascending.
    public var removed: [Int]

    enum CodingKeys: String, CodingKey {
        case root, frontiers, channels, removed
    }
}
