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
/// Only `safe` findings are slimmed: an unsafe frontier's output also feeds something else (a
/// residual add, another linear), and cutting its rows would change that.
enum ChannelSlim {
    static func apply(_ finding: Linear2LinearFinding, in model: Module, round: Int) throws -> SlimOutcome {
        let modules = [finding.rootLinear] + finding.targetFrontierLinears
        func skip(_ reason: String) -> SlimOutcome {
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
        let (removed, kept) = removal(zero: zero, width: width, round: round)
        guard !removed.isEmpty else {
            if zero.isEmpty { return skip("no all-zero input channel in \(root.path)") }
            if zero.count == width { return skip("all \(width) channels are zero; \(round) must stay") }
            return skip("\(zero.count) all-zero input channels, fewer than round \(round)")
        }

        var replacements = try root.keepingInputChannels(kept)
        for frontier in frontiers {
            let pieces = (0..<(frontier.outFeatures / width)).flatMap { piece in kept.map { piece * width + $0 } }
            replacements += try frontier.keepingOutputChannels(pieces)
        }
        let tensors = SlimEdit.apply(replacements, names: SlimEdit.parameterNames([root] + frontiers))
        return .slimmed(SlimChange(
            kind: .channels, layer: SlimEdit.layerKey(of: modules), modules: modules,
            before: width, after: kept.count, removed: removed, zeroChannels: zero.count,
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
