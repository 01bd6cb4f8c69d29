import NN
import Searchers
import Tensor

/// Removes the coupled channels of one Linear2Linear finding (INC's `LinearCompression`): the
/// root's input channels whose weights are all zero, rounded down to a multiple of `round`, go
/// from the root's input side and from every frontier's output side (weight and bias). The
/// frontiers' outputs on those channels were multiplied by zero columns, so the outputs do not
/// change whatever the frontiers' values there.
///
/// Which channels go when the zero count is not a multiple of `round`: INC draws them with
/// `random.sample`, so two runs slim differently. slimtrace removes the **lowest-index** zero
/// channels, so the result is reproducible. It never removes every channel: when all of them are
/// zero and their count is a multiple of `round`, `round` channels (the highest-index ones) stay,
/// so the layer keeps a non-empty width.
///
/// A fused GLU frontier (`fused_glu`, Phi-3's `gate_up_proj`) holds the coupled channels once per
/// piece of its split output: the same channels are cut from every piece (gate and up alike).
///
/// `--uniform` (`UniformSlim`) removes fewer: the same count in every layer, the lowest-index
/// zero channels of each.
///
/// Only `safe` findings are slimmed: an unsafe frontier's output also feeds something else (a
/// residual add, another linear), and cutting its rows would change that.
enum ChannelSlim {
    /// What one finding can lose: its projections and the channels that would go, lowest index first.
    struct Plan {
        let finding: Linear2LinearFinding
        let root: Projection
        let frontiers: [Projection]
        /// The all-zero input channels of the root.
        let zero: [Int]
        /// The channels a per-layer slim removes: the lowest-index `zero`, a multiple of `round`.
        let removable: [Int]

        var modules: [String] { [finding.rootLinear] + finding.targetFrontierLinears }
    }

    /// Slims the finding as far as it goes on its own.
    static func apply(_ finding: Linear2LinearFinding, in model: Module, round: Int) throws -> SlimOutcome {
        switch try plan(finding, in: model, round: round) {
        case let .ready(plan): try apply(plan, count: plan.removable.count)
        case let .skipped(finding): .skipped(finding)
        }
    }

    /// The channels the finding can lose, or why it is left alone.
    static func plan(_ finding: Linear2LinearFinding, in model: Module, round: Int) throws -> Planned<Plan> {
        let modules = [finding.rootLinear] + finding.targetFrontierLinears
        func skip(_ reason: String) -> Planned<Plan> {
            .skipped(SkippedFinding(kind: .channels, modules: modules, reason: reason))
        }
        guard finding.safe else {
            let because = finding.explain?.unsafeBecause.map { " (the frontier output also reaches \($0))" } ?? ""
            return skip("unsafe\(because); left untouched")
        }
        let root = try Projection(path: finding.rootLinear, in: model)
        let frontiers = try finding.targetFrontierLinears.map { try Projection(path: $0, in: model) }
        let width = root.inFeatures
        let fused = finding.fusedGLU == true
        if let mismatched = frontiers.first(where: { fused ? $0.outFeatures % width != 0 : $0.outFeatures != width }) {
            return skip("\(mismatched.path) has \(mismatched.outFeatures) output channels, \(root.path) \(width) input channels"
                + (fused ? " (a fused GLU needs a multiple)" : ""))
        }
        let zero = try root.zeroInputChannels().enumerated().filter(\.element).map(\.offset)
        let removed = removal(zero: zero, width: width, round: round).removed
        guard !removed.isEmpty else {
            if zero.isEmpty { return skip("no all-zero input channel in \(root.path)") }
            if zero.count == width { return skip("all \(width) channels are zero; \(round) must stay") }
            return skip("\(zero.count) all-zero input channels, fewer than round \(round)")
        }
        return .ready(Plan(finding: finding, root: root, frontiers: frontiers, zero: zero, removable: removed))
    }

    /// Removes the first `count` of the plan's removable channels.
    static func apply(_ plan: Plan, count: Int) throws -> SlimOutcome {
        let (root, frontiers, width) = (plan.root, plan.frontiers, plan.root.inFeatures)
        let removed = Array(plan.removable.prefix(count))
        let removedSet = Set(removed)
        let kept = (0..<width).filter { !removedSet.contains($0) }

        var replacements = try root.keepingInputChannels(kept)
        for frontier in frontiers {
            let pieces = (0..<(frontier.outFeatures / width)).flatMap { piece in kept.map { piece * width + $0 } }
            replacements += try frontier.keepingOutputChannels(pieces)
        }
        let tensors = SlimEdit.apply(replacements, names: SlimEdit.parameterNames([root] + frontiers))
        return .slimmed(SlimChange(
            kind: .channels, layer: SlimEdit.layerKey(of: plan.modules), modules: plan.modules,
            before: width, after: kept.count, removed: removed, zeroChannels: plan.zero.count,
            tensors: tensors, parametersRemoved: tensors.reduce(0) { $0 + $1.removedElements }, flopsSaved: 0))
    }

    /// The rule above: of the `zero` channels (ascending) of `width`, the lowest-index multiple of
    /// `round` that leaves at least one group of `round`; and the channels kept.
    static func removal(zero: [Int], width: Int, round: Int) -> (removed: [Int], kept: [Int]) {
        var count = zero.count / round * round
        if count == width { count -= round }
        let removed = Array(zero.prefix(max(count, 0)))
        let removedSet = Set(removed)
        return (removed, (0..<width).filter { !removedSet.contains($0) })
    }
}
