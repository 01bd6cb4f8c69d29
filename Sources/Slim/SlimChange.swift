/// One structure the slim changed: a Linear2Linear pair's coupled channels, or an attention
/// block's heads.
public struct SlimChange: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// Feed-forward channels: the root's input columns and the frontiers' output rows.
        case channels
        /// Attention heads: q/k/v rows and the output projection's columns.
        case heads
    }

    public var kind: Kind
    /// The layer the change is recorded under in `config.json`'s `slimtrace` section
    /// (`bert.encoder.layer.0`).
    public var layer: String
    /// The modules changed: root then frontiers, or q/k/v (one when fused) then the output projection.
    public var modules: [String]
    /// Channels or query heads before.
    public var before: Int
    /// Channels or query heads after.
    public var after: Int
    /// The channels or query heads removed, by their original index.
    public var removed: [Int]
    /// Key/value heads before and after, and the ones removed (grouped-query attention only).
    public var keyValueHeadsBefore: Int?
    public var keyValueHeadsAfter: Int?
    public var removedKeyValueHeads: [Int]?
    /// All-zero channels found before rounding (channels only).
    public var zeroChannels: Int?
    /// Channels per head (heads only).
    public var headSize: Int?
    /// Every parameter whose shape changed.
    public var tensors: [TensorShapeChange]
    /// Parameter elements removed.
    public var parametersRemoved: Int
    /// Multiply-add FLOPs saved on the verification input: 2 · rows · removed weights, per linear call.
    public var flopsSaved: Int

    enum CodingKeys: String, CodingKey {
        case kind, layer, modules, before, after, removed
        case keyValueHeadsBefore = "kv_heads_before"
        case keyValueHeadsAfter = "kv_heads_after"
        case removedKeyValueHeads = "removed_kv_heads"
        case zeroChannels = "zero_channels"
        case headSize = "head_size"
        case tensors
        case parametersRemoved = "parameters_removed"
        case flopsSaved = "flops_saved"
    }
}

/// A parameter's shape before and after the slim.
public struct TensorShapeChange: Codable, Equatable, Sendable {
    /// The dotted parameter name (`bert.encoder.layer.0.output.dense.weight`).
    public var name: String
    public var before: [Int]
    public var after: [Int]

    /// Elements removed.
    public var removedElements: Int {
        before.reduce(1, *) - after.reduce(1, *)
    }
}

/// A finding the slim left alone, and why (unsafe, nothing zero, fewer zero channels than `round`).
public struct SkippedFinding: Codable, Equatable, Sendable {
    public var kind: SlimChange.Kind
    public var modules: [String]
    public var reason: String
}

/// What slimming one finding did.
enum SlimOutcome {
    case slimmed(SlimChange)
    case skipped(SkippedFinding)
}

/// What slimming one finding could do, worked out before doing it: a plan, or why it is left alone.
public enum Planned<Plan> {
    case ready(Plan)
    case skipped(SkippedFinding)
}
