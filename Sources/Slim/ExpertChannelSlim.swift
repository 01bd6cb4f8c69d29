import NN
import Searchers
import Tensor

/// Removes the coupled channels of a routed-experts finding (`experts: N`, beyond INC): the
/// intermediate channels of the experts' 3-D `down_proj` `[experts, hidden, intermediate]`
/// (columns) and `gate_up_proj` `[experts, pieces·intermediate, hidden]` (the same row of every
/// piece, gate and up). All experts share one tensor, so they keep one width: only channels whose
/// `down_proj` columns are zero in **every** expert go (in an expert where a column is not zero,
/// the channel contributes), rounded down to a multiple of `round` as `ChannelSlim` rounds, lowest
/// indices first, `round` channels left when all are zero. Outputs do not change, whichever
/// experts the tokens are routed to.
enum ExpertChannelSlim {
    static func apply(_ finding: Linear2LinearFinding, in model: Module, round: Int) throws -> SlimOutcome {
        let modules = [finding.rootLinear] + finding.targetFrontierLinears
        func skip(_ reason: String) -> SlimOutcome {
            .skipped(SkippedFinding(kind: .channels, modules: modules, reason: reason))
        }
        guard finding.safe else { return skip("unsafe; left untouched") }
        let parameters = Dictionary(model.namedParameters().map { ($0.name, $0.parameter) }, uniquingKeysWith: { first, _ in first })
        func expertWeight(_ name: String) throws -> Parameter {
            guard let parameter = parameters[name], parameter.shape.count == 3, !parameter.tensor.isMeta else {
                throw SlimError.unsupportedModule(path: name, detail: "is not a loaded 3-D experts parameter")
            }
            return parameter
        }
        let root = try expertWeight(finding.rootLinear)
        let frontiers = try finding.targetFrontierLinears.map(expertWeight)
        let (experts, hidden, width) = (root.shape[0], root.shape[1], root.shape[2])
        if let mismatched = frontiers.first(where: { $0.shape[0] != experts || $0.shape[1] % width != 0 }) {
            return skip("\(mismatched.shape) does not hold \(experts) experts of a multiple of \(width) channels")
        }
        let zero = try root.tensor.reshape([experts * hidden, width]).zeroSlices(axis: 1).enumerated().filter(\.element).map(\.offset)
        let (removed, kept) = ChannelSlim.removal(zero: zero, width: width, round: round)
        guard !removed.isEmpty else {
            if zero.isEmpty { return skip("no channel of \(finding.rootLinear) is zero in every expert") }
            if zero.count == width { return skip("all \(width) channels are zero; \(round) must stay") }
            return skip("\(zero.count) channels zero in every expert, fewer than round \(round)")
        }

        var replacements = [(root, try root.tensor.reshape([experts * hidden, width]).selecting(kept, axis: 1).reshape([experts, hidden, kept.count]))]
        for frontier in frontiers {
            let pieces = frontier.shape[1] / width
            let rows = (0..<pieces).flatMap { piece in kept.map { piece * width + $0 } }
            let perExpert = try (0..<experts).map { try frontier.tensor.select(0, $0).contiguous().selecting(rows, axis: 0).unsqueeze(0) }
            replacements.append((frontier, try Tensor.concat(perExpert, axis: 0)))
        }
        let names = Dictionary(uniqueKeysWithValues: zip([root] + frontiers, modules).map { (ObjectIdentifier($0.0), $0.1) })
        let tensors = SlimEdit.apply(replacements, names: names)
        return .slimmed(SlimChange(
            kind: .channels, layer: SlimEdit.layerKey(of: modules), modules: modules,
            before: width, after: kept.count, removed: removed, zeroChannels: zero.count,
            tensors: tensors, parametersRemoved: tensors.reduce(0) { $0 + $1.removedElements }, flopsSaved: 0))
    }
}
