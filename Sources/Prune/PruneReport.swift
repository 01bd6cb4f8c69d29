/// What `CheckpointPruner` did: the options, the calibration, every pair's removals and the
/// checkpoint written (the slim report's figures when slimmed).
public struct PruneReport: Codable, Sendable {
    public var source: String
    public var output: String
    public var method: PruneMethod
    public var allocation: ChannelAllocation
    public var ffnSparsity: Double
    /// Calibration windows and tokens.
    public var samples: Int
    public var tokens: Int
    /// True when the zeroed checkpoint was written at the original sizes.
    public var keepShapes: Bool
    /// Whether FLAP's bias compensation was applied, and the biases that had to be added for it.
    public var biasCompensation: Bool
    public var addedBiases: Int
    /// Channels removed of all the pruned pairs' channels.
    public var channelsRemoved: Int
    public var channelsTotal: Int
    public var plans: [ChannelPlan]
    /// Pairs left alone, and why.
    public var skipped: [String]
    /// Parameters before and after (after slimming; equal with keep-shapes).
    public var parametersBefore: Int
    public var parametersAfter: Int
    /// Seconds spent in calibration and in the whole prune.
    public var calibrationSeconds: Double
    public var totalSeconds: Double
    /// One-line summary.
    public var summary: String
    /// Fraction of key/value groups asked for, and of the attention blocks that lose them.
    public var headSparsity: Double = 0
    public var headLayers: Double = 1
    /// Key/value groups removed of all the prunable attention blocks' groups.
    public var groupsRemoved = 0
    public var groupsTotal = 0
    /// The attention blocks that lose heads.
    public var headPlans: [HeadPlan] = []

    enum CodingKeys: String, CodingKey {
        case source, output, method, allocation, samples, tokens, plans, skipped, summary
        case ffnSparsity = "ffn_sparsity"
        case keepShapes = "keep_shapes"
        case biasCompensation = "bias_compensation"
        case addedBiases = "added_biases"
        case channelsRemoved = "channels_removed"
        case channelsTotal = "channels_total"
        case parametersBefore = "parameters_before"
        case parametersAfter = "parameters_after"
        case calibrationSeconds = "calibration_seconds"
        case totalSeconds = "total_seconds"
        case headSparsity = "head_sparsity"
        case headLayers = "head_layers"
        case groupsRemoved = "kv_groups_removed"
        case groupsTotal = "kv_groups_total"
        case headPlans = "head_plans"
    }
}
