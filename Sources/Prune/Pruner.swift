import Formats
import Models
import NN
import Searchers
import Tensor

/// One-shot structured pruning of a loaded model (FLAP's `prune_flap`, `prune_wanda_sp`,
/// `prune_magnitude_sp` for the MLP): finds the safe Linear2Linear pairs on a placeholder trace,
/// gathers the roots' input statistics over calibration batches (`ActivationRecorder`), scores and
/// selects channels (`PruneMethod`, `ChannelAllocation`), then zeroes them — the root's columns,
/// the frontiers' rows and biases — and, for FLAP, folds their mean into the root's bias
/// (`BiasCompensation`). Slim then removes the zeroed channels.
public final class Pruner {
    /// The model, pruned in place by `apply`.
    public let model: any TransformerModel
    /// The safe pairs pruning may touch, in execution order.
    public let findings: [Linear2LinearFinding]
    /// One line per pair left alone, and why.
    public let skipped: [String]

    private let linears: [String: Linear]

    /// Finds the prunable pairs of `model` (traced on its placeholder input).
    public init(model: any TransformerModel) throws {
        self.model = model
        let graph = try model.trace(try PlaceholderInputs.make(for: model, shape: nil, dtype: nil))
        let all = Linear2LinearSearcher(trace: TraceSearcher(model: model, graph: graph)).search()
        var linears: [String: Linear] = [:]
        for (path, module) in model.namedModules() { if let linear = module as? Linear { linears[path] = linear } }
        self.linears = linears
        let notLinear = { (finding: Linear2LinearFinding) in ([finding.rootLinear] + finding.targetFrontierLinears).first { linears[$0] == nil } }
        findings = all.filter { $0.safe && $0.fusedGLU != true && notLinear($0) == nil }
        skipped = all.compactMap { finding in
            if !finding.safe { return "\(finding.rootLinear): not safe (its frontiers' outputs reach more than this root)" }
            if finding.fusedGLU == true { return "\(finding.rootLinear): fused GLU frontier, not pruned" }
            if let other = notLinear(finding) { return "\(finding.rootLinear): \(other) is not a Linear (e.g. GPT-2's Conv1D), not pruned" }
            return nil
        }
    }

    /// The root linear of each finding.
    private func linear(_ path: String) throws -> Linear {
        guard let linear = linears[path] else { throw PruneError.unsupportedModule(path: path, detail: "is not a Linear") }
        guard !linear.weight.tensor.isMeta else { throw PruneError.unsupportedModule(path: path, detail: "has no weights loaded (meta)") }
        return linear
    }

    /// Input statistics of every root (with the inputs' `SecondMoments` when `secondMoments`), and
    /// of the `extra` linears (e.g. attention output projections, `HeadPruner.watched`; first and
    /// second-order channel statistics only), over `batches` in one forward pass each;
    /// `progress(done)` after each batch.
    public func calibrate(_ batches: [ModelInputs], secondMoments: Bool = false, alsoWatching extra: [(path: String, channels: Int)] = [],
                          progress: (Int) -> Void = { _ in }) throws -> [String: ChannelStatistics] {
        let roots = try findings.map { ($0.rootLinear, try linear($0.rootLinear).inFeatures) }
        let recorder = try ActivationRecorder(model: model, paths: roots, secondMoments: secondMoments, alsoWatching: extra)
        for (index, batch) in batches.enumerated() {
            _ = try recorder.observe { try model.forward(batch) }
            progress(index + 1)
        }
        return recorder.statistics
    }

    /// The channels to remove from each pair.
    public func plan(_ options: PruneOptions, statistics: [String: ChannelStatistics]) throws -> [ChannelPlan] {
        try options.validate()
        // The greedy choice below replaces the scores; uniform allocation then needs only the widths.
        let scoresNeeded = !(options.method.reconstructs && options.allocation == .uniform)
        let scores = try findings.map { finding in
            let root = try linear(finding.rootLinear)
            guard scoresNeeded else { return [Double](repeating: 0, count: root.inFeatures) }
            return options.method.scores(weight: try root.weight.tensor.floats(), outFeatures: root.outFeatures,
                                         statistics: statistics[finding.rootLinear])
        }
        var removed = options.allocation.removed(scores: scores, sparsity: options.ffnSparsity)
        if options.method.reconstructs {
            removed = try zip(findings, removed).map { finding, channels in
                let root = try linear(finding.rootLinear)
                guard let covariance = statistics[finding.rootLinear]?.covariance,
                      let greedy = SurgeonSelection.removed(weight: try root.weight.tensor.floats(), outFeatures: root.outFeatures,
                                                            covariance: covariance, count: channels.count)
                else { throw PruneError.unsupportedModule(path: finding.rootLinear, detail: "its input covariance is not finite; use --method flap") }
                return greedy
            }
        }
        return zip(findings, zip(scores, removed)).map { finding, pair in
            ChannelPlan(root: finding.rootLinear, frontiers: finding.targetFrontierLinears, channels: pair.0.count, removed: pair.1)
        }
    }

    /// Zeroes the planned channels and, with `compensate`, folds their means into the roots'
    /// biases; with `reconstruct` as well, the roots' kept columns take the least-squares update
    /// (`ChannelReconstruction`, from the statistics' second moments). Returns the biases the model
    /// did not have (by parameter name): the compensated roots' and, so that the family's one bias
    /// switch (`mlp_bias`) describes the result, zeros for every other linear of every module of
    /// the same kind as the roots' parents. Each root's second moments are dropped from
    /// `statistics` once used, so the Gram matrices go as the weights they update are copied.
    public func apply(_ plans: [ChannelPlan], statistics: inout [String: ChannelStatistics], compensate: Bool,
                      reconstruct: Bool = false) throws -> [(name: String, tensor: Tensor)] {
        var added: [String: Tensor] = [:]
        var parentKinds = Set<String>()
        let modules = Dictionary(model.namedModules().map { ($0.path, $0.module) }, uniquingKeysWith: { first, _ in first })
        for plan in plans where !plan.removed.isEmpty {
            let root = try linear(plan.root)
            var weight = try root.weight.tensor.floats()
            let oldBias = try root.bias.map { try $0.tensor.floats() }
            if compensate, let mean = statistics[plan.root]?.mean {
                let newBias: [Float]
                if reconstruct {
                    guard let covariance = statistics[plan.root]?.covariance,
                          let result = ChannelReconstruction.reconstruct(weight: weight, outFeatures: root.outFeatures, bias: oldBias, mean: mean,
                                                                         covariance: covariance, removed: plan.removed)
                    else { throw PruneError.unsupportedModule(path: plan.root, detail: "its input covariance is not finite; use --method flap") }
                    (weight, newBias) = result
                    statistics[plan.root]?.dropSecondMoments()
                } else {
                    newBias = BiasCompensation.bias(weight: weight, outFeatures: root.outFeatures, bias: oldBias, mean: mean, removed: plan.removed)
                }
                let bias = try Tensor(newBias, shape: [root.outFeatures])
                if let parameter = root.bias { parameter.tensor = bias } else {
                    added[plan.root + ".bias"] = bias
                    if let parent = modules[MissingBiases.parent(of: plan.root)] { parentKinds.insert(parent.typeName) }
                }
            }
            for row in 0..<root.outFeatures { for channel in plan.removed { weight[row * root.inFeatures + channel] = 0 } }
            root.weight.tensor = try Tensor(weight, shape: root.weight.shape)
            for path in plan.frontiers {
                let frontier = try linear(path)
                var rows = try frontier.weight.tensor.floats()
                for channel in plan.removed { for column in 0..<frontier.inFeatures { rows[channel * frontier.inFeatures + column] = 0 } }
                frontier.weight.tensor = try Tensor(rows, shape: frontier.weight.shape)
                if let parameter = frontier.bias {
                    var bias = try parameter.tensor.floats()
                    for channel in plan.removed { bias[channel] = 0 }
                    parameter.tensor = try Tensor(bias, shape: parameter.shape)
                }
            }
        }
        MissingBiases.addZeros(to: &added, inModulesOfType: parentKinds, of: model)
        return added.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
