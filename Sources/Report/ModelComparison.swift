/// A model and its slimmed (or pruned) version side by side, matched layer by layer: heads and
/// key/value heads of each attention block (by `mha_name`), channels of each feed-forward pair (by
/// root linear), and the two models' parameters and FLOPs on the same inputs. What `report
/// --compare` draws; its numbers are those of `slim`'s report (`SlimReport.changes`,
/// `parameters_before`/`_after`, `flops_saved` = the linear FLOPs' difference).
public struct ModelComparison: Codable, Equatable, Sendable {
    /// One attention block before and after.
    public struct HeadChange: Codable, Equatable, Sendable {
        public var name: String
        public var headsBefore: Int?
        public var headsAfter: Int?
        public var kvHeadsBefore: Int?
        public var kvHeadsAfter: Int?
        /// The query heads removed, by their original index, when the slimmed checkpoint records
        /// them (its `config.json`'s `slimtrace` section).
        public var removed: [Int]?

        enum CodingKeys: String, CodingKey {
            case name, removed
            case headsBefore = "heads_before"
            case headsAfter = "heads_after"
            case kvHeadsBefore = "kv_heads_before"
            case kvHeadsAfter = "kv_heads_after"
        }
    }

    /// One feed-forward pair before and after.
    public struct ChannelChange: Codable, Equatable, Sendable {
        public var root: String
        public var before: Int?
        public var after: Int?
    }

    /// One layer's changes.
    public struct Layer: Codable, Equatable, Sendable {
        public var path: String
        public var heads: [HeadChange]
        public var channels: [ChannelChange]
    }

    /// The second model's checkpoint, as given.
    public var other: String
    /// Elements of each model's distinct parameters.
    public var parametersBefore: Int
    public var parametersAfter: Int
    /// Each model's forward FLOPs on the traced inputs.
    public var flopsBefore: GraphFLOPs
    public var flopsAfter: GraphFLOPs
    /// The first model's layers, each with what the second model has in their place.
    public var layers: [Layer]

    enum CodingKeys: String, CodingKey {
        case other, layers
        case parametersBefore = "parameters_before"
        case parametersAfter = "parameters_after"
        case flopsBefore = "flops_before"
        case flopsAfter = "flops_after"
    }

    /// Matches `after`'s layers, blocks and pairs to `before`'s by module path; `removedHeads`
    /// are the query heads the slim recorded as removed, by layer path (`slimtrace.layers` of the
    /// slimmed `config.json`), for a layer with one attention block.
    public init(other: String, before: LayerMap, after: LayerMap, parameters: (before: Int, after: Int),
                flops: (before: GraphFLOPs, after: GraphFLOPs), removedHeads: [String: [Int]] = [:]) {
        self.other = other
        parametersBefore = parameters.before
        parametersAfter = parameters.after
        flopsBefore = flops.before
        flopsAfter = flops.after
        let afterLayers = Dictionary(after.layers.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        layers = before.layers.map { layer in
            let other = afterLayers[layer.path]
            return Layer(
                path: layer.path,
                heads: layer.attention.map { block in
                    let slimmed = other?.attention.first { $0.name == block.name }
                    let recorded = layer.attention.count == 1 ? removedHeads[layer.path] : nil
                    return HeadChange(name: block.name, headsBefore: block.heads, headsAfter: slimmed?.heads,
                                      kvHeadsBefore: block.kvHeads, kvHeadsAfter: slimmed?.kvHeads, removed: recorded)
                },
                channels: layer.channelPairs.map { pair in
                    ChannelChange(root: pair.root, before: pair.channels, after: other?.channelPairs.first { $0.root == pair.root }?.channels)
                })
        }
    }

    /// The layer at `path`, if any.
    public func layer(_ path: String) -> Layer? {
        layers.first { $0.path == path }
    }
}
