/// What to prune and how (FLAP's `--pruning_ratio`, `--metrics`, `--structure`).
public struct PruneOptions: Sendable {
    /// Fraction of the feed-forward channels of every safe Linear2Linear pair to remove, in [0, 1).
    public var ffnSparsity: Double
    /// How channels are scored.
    public var method: PruneMethod
    /// How the removals are spread over the layers.
    public var allocation: ChannelAllocation
    /// Fraction of the key/value groups of every prunable attention block to remove, in [0, 1)
    /// (`HeadSelection`).
    public var headSparsity: Double
    /// Fraction of the attention blocks that lose heads, in (0, 1]; below 1 only with uniform
    /// allocation (`HeadSelection`).
    public var headLayers: Double

    public init(ffnSparsity: Double, method: PruneMethod = .obs, allocation: ChannelAllocation = .uniform,
                headSparsity: Double = 0, headLayers: Double = 1) {
        self.ffnSparsity = ffnSparsity
        self.method = method
        self.allocation = allocation
        self.headSparsity = headSparsity
        self.headLayers = headLayers
    }

    /// Throws `PruneError.invalidOption` for a sparsity outside [0, 1), a layer fraction outside
    /// (0, 1], or a layer fraction below 1 with adaptive allocation.
    public func validate() throws {
        guard ffnSparsity >= 0, ffnSparsity < 1 else {
            throw PruneError.invalidOption(name: "--ffn-sparsity", detail: "must be in [0, 1), got \(ffnSparsity)")
        }
        guard headSparsity >= 0, headSparsity < 1 else {
            throw PruneError.invalidOption(name: "--head-sparsity", detail: "must be in [0, 1), got \(headSparsity)")
        }
        guard headLayers > 0, headLayers <= 1 else {
            throw PruneError.invalidOption(name: "--head-layers", detail: "must be in (0, 1], got \(headLayers)")
        }
        guard headLayers == 1 || allocation == .uniform else {
            throw PruneError.invalidOption(name: "--head-layers", detail: "chooses layers for uniform allocation; adaptive allocation chooses them itself")
        }
    }
}
