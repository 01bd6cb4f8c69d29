import Models
import NN
import Searchers
import Slim
import Tensor

/// One-shot pruning of attention heads (FLAP's `prune_flap` for `self_attn.o_proj`, Wanda-sp's and
/// the magnitude baseline's head variants): finds the attention blocks whose heads can be removed
/// (`AttentionHeads`: separate or fused q/k/v in a known layout, no norm across heads, no
/// per-head score terms from elsewhere) on a placeholder trace, scores each output-projection
/// input channel (the concatenated heads' context) with the `PruneMethod` from the statistics
/// `Pruner.calibrate` gathers there (`watched`), sums the scores per key/value group, chooses the
/// groups (`HeadSelection`) and zeroes them — the group's query heads' rows in q, its key/value
/// head's rows in k and v (biases too), the query heads' columns in the output projection — and,
/// for FLAP, folds their context's mean into the output projection's bias (`BiasCompensation`).
/// Slim (`HeadSlim`) then removes the zeroed groups.
public final class HeadPruner {
    /// The model, pruned in place by `apply`.
    public let model: any TransformerModel
    /// The blocks whose heads pruning may remove, in execution order.
    public let blocks: [AttentionHeads]
    /// One line per attention block left alone, and why.
    public let skipped: [String]

    /// Finds the blocks of `model` (traced on its placeholder input).
    public init(model: any TransformerModel) throws {
        self.model = model
        let trace = TraceSearcher(model: model, graph: try model.trace(try PlaceholderInputs.make(for: model, shape: nil, dtype: nil)))
        var blocks: [AttentionHeads] = []
        var skipped: [String] = []
        for finding in SelfMHASearcher(trace: trace).search() {
            let layout: Planned<AttentionHeads>
            do { layout = try AttentionHeads.layout(of: finding, in: model, trace: trace) } catch {
                skipped.append("\(finding.mhaName.first ?? finding.qkv.joined(separator: ", ")): heads not pruned: \(error.localizedDescription)")
                continue
            }
            switch layout {
            case let .ready(block): blocks.append(block)
            case let .skipped(reason): skipped.append("\(finding.mhaName.first ?? reason.modules.joined(separator: ", ")): heads not pruned: \(reason.reason)")
            }
        }
        self.blocks = blocks
        self.skipped = skipped
    }

    /// The output projections whose input statistics scoring needs, with their input channels.
    public var watched: [(path: String, channels: Int)] {
        blocks.map { ($0.output.path, $0.output.inFeatures) }
    }

    /// The groups to remove from each block (blocks that lose none are left out).
    public func plan(_ options: PruneOptions, statistics: [String: ChannelStatistics]) throws -> [HeadPlan] {
        try options.validate()
        guard options.headSparsity > 0 else { return [] }
        let scored = try blocks.map { block in
            HeadSelection.Block(
                channelScores: options.method.headScoring.scores(weight: try Self.outputMajorWeight(block.output), outFeatures: block.output.outFeatures,
                                                     statistics: statistics[block.output.path]),
                groups: (0..<block.keyValueHeads).map { group in block.queryHeads(ofGroup: group).map { block.contextChannels(ofHead: $0) } })
        }
        let removed = HeadSelection.removed(scored, sparsity: options.headSparsity, allocation: options.allocation, layers: options.headLayers)
        return zip(blocks, removed).compactMap { block, groups in
            groups.isEmpty ? nil : HeadPlan(
                qkv: block.qkv.map(\.path), output: block.output.path, heads: block.heads, keyValueHeads: block.keyValueHeads,
                headSize: block.headSize, removedGroups: groups, removedHeads: groups.flatMap { Array(block.queryHeads(ofGroup: $0)) })
        }
    }

    /// Zeroes the planned groups and, with `compensate`, folds their context's mean into the
    /// output projections' biases. Returns the biases the model did not have (by parameter name):
    /// the compensated output projections' and, so that the family's one switch
    /// (`attention_bias`) describes the result, zeros for every other linear of every module of
    /// the same kind as the attention blocks' modules' parents.
    public func apply(_ plans: [HeadPlan], statistics: [String: ChannelStatistics], compensate: Bool) throws -> [(name: String, tensor: Tensor)] {
        let byOutput = Dictionary(blocks.map { ($0.output.path, $0) }, uniquingKeysWith: { first, _ in first })
        var added: [String: Tensor] = [:]
        var parentKinds = Set<String>()
        let modules = Dictionary(model.namedModules().map { ($0.path, $0.module) }, uniquingKeysWith: { first, _ in first })
        for plan in plans where !plan.removedGroups.isEmpty {
            guard let block = byOutput[plan.output] else { throw PruneError.missingModule(path: plan.output) }
            let context = plan.removedHeads.flatMap { Array(block.contextChannels(ofHead: $0)) }
            let output = block.output
            if compensate, let mean = statistics[output.path]?.mean {
                let bias = try Tensor(BiasCompensation.bias(weight: try Self.outputMajorWeight(output), outFeatures: output.outFeatures,
                                                            bias: try output.bias.map { try $0.tensor.floats() }, mean: mean, removed: context),
                                      shape: [output.outFeatures])
                if let parameter = output.bias { parameter.tensor = bias } else {
                    added[output.path + ".bias"] = bias
                    for path in block.modules { if let parent = modules[MissingBiases.parent(of: path)] { parentKinds.insert(parent.typeName) } }
                }
            }
            try Self.zero(context, of: output, axis: output.inputAxis)
            let parts = plan.removedHeads.map { block.query[$0] } + plan.removedGroups.flatMap { [block.key[$0], block.value[$0]] }
            for projection in block.qkv {
                let channels = parts.filter { $0.projection.path == projection.path }.flatMap { Array($0.channels) }
                try Self.zero(channels, of: projection, axis: projection.outputAxis)
                if let bias = projection.bias, !channels.isEmpty {
                    var values = try bias.tensor.floats()
                    for channel in channels { values[channel] = 0 }
                    bias.tensor = try Tensor(values, shape: bias.shape)
                }
            }
        }
        MissingBiases.addZeros(to: &added, inModulesOfType: parentKinds, of: model)
        return added.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A projection's weight as `[out, in]` row-major (`Conv1D` stores `[in, out]`).
    private static func outputMajorWeight(_ projection: Projection) throws -> [Float] {
        let values = try projection.weight.tensor.floats()
        guard projection.outputAxis == 1 else { return values }
        let (rows, columns) = (projection.inFeatures, projection.outFeatures)
        var transposed = [Float](repeating: 0, count: values.count)
        for row in 0..<rows { for column in 0..<columns { transposed[column * rows + row] = values[row * columns + column] } }
        return transposed
    }

    /// Zeroes the weight slices `indices` along `axis` of a 2-D projection weight.
    private static func zero(_ indices: [Int], of projection: Projection, axis: Int) throws {
        guard !indices.isEmpty else { return }
        let shape = projection.weight.shape
        var values = try projection.weight.tensor.floats()
        if axis == 0 {
            for index in indices { for column in 0..<shape[1] { values[index * shape[1] + column] = 0 } }
        } else {
            for row in 0..<shape[0] { for index in indices { values[row * shape[1] + index] = 0 } }
        }
        projection.weight.tensor = try Tensor(values, shape: shape)
    }
}
