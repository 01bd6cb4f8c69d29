/// What to prune and how (FLAP's `--pruning_ratio`, `--metrics`, `--structure`).
public struct PruneOptions: Sendable {
    /// Fraction of the feed-forward channels of every safe Linear2Linear pair to remove, in [0, 1).
    public var ffnSparsity: Double
    /// How channels are scored.
    public var method: PruneMethod
    /// How the removals are spread over the layers.
    public var allocation: ChannelAllocation

    public init(ffnSparsity: Double, method: PruneMethod = .obs, allocation: ChannelAllocation = .uniform) {
        self.ffnSparsity = ffnSparsity
        self.method = method
        self.allocation = allocation
    }

    /// Throws `PruneError.invalidOption` for a sparsity outside [0, 1).
    public func validate() throws {
        guard ffnSparsity >= 0, ffnSparsity < 1 else {
            throw PruneError.invalidOption(name: "--ffn-sparsity", detail: "must be in [0, 1), got \(ffnSparsity)")
        }
    }
}
