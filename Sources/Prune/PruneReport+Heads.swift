import Slim

extension PruneReport {
    /// Records what head pruning did: the options, the plans, the groups removed of the prunable
    /// blocks' groups, and the blocks left alone.
    mutating func addHeads(_ plans: [HeadPlan], blocks: [AttentionHeads], skipped: [String], options: PruneOptions) {
        headSparsity = options.headSparsity
        headLayers = options.headLayers
        headPlans = plans
        groupsRemoved = plans.reduce(0) { $0 + $1.removedGroups.count }
        groupsTotal = blocks.reduce(0) { $0 + $1.keyValueHeads }
        self.skipped += skipped
    }
}
