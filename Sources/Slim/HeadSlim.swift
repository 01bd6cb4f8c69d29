import NN
import Searchers
import Tensor
import Tracer

/// Removes the zeroed heads of one attention block (INC's `MHACompression`, extended to grouped-
/// query attention and fused qkv). A query head goes when its rows in q, k and v and its columns in
/// the output projection are all zero (weights; biases are not consulted, as in INC: the zero
/// output-projection columns already make the head's contribution zero).
///
/// - Grouped-query attention: only whole groups go, a key/value head together with all its query
///   heads, each of them all zero; one zero query head in a group whose other heads are not stays.
/// - Fused qkv (`[in, (heads + 2·kv heads)·head size]`): the head's channels are cut where the
///   finding's `qkv_layout` puts them: inside each of the three parts when concatenated (GPT-2's
///   `c_attn`, Phi-3's `qkv_proj`), inside each key/value head's block when grouped (Falcon; a block
///   per head for GPT-NeoX and BLOOM), whole blocks with grouped-query attention.
/// - A block never loses every head: when all are zero, the highest-index group stays.
/// - A block whose q, k or v output is normalised over more than one head (OLMo 2's `q_norm` and
///   `k_norm` over the whole projection) keeps its heads: removing zero heads would change the
///   mean square every remaining head is divided by, and no exact compensation fits the config.
/// - A block whose scores get a term computed from weights outside its q/k/v projections (MPNet's
///   relative position bias shared by every layer, DeBERTa's separate `pos_key_proj` and
///   `pos_query_proj`) keeps its heads: that term holds per-head rows slimtrace does not cut.
///   DeBERTa with `share_att_key` projects its relative positions with the block's own q and k
///   projections, so cutting their rows cuts the position terms consistently.
///
/// `--uniform` (`UniformSlim`) removes fewer: the same number of groups in every layer, the
/// lowest-index zero groups of each.
///
/// The head geometry (heads, key/value heads, head size) comes from the finding, which read it
/// from the traced attention matmuls; without it the block is skipped.
enum HeadSlim {
    /// One head's (or key/value head's) channels in one projection's weight.
    typealias Part = (projection: Projection, channels: Range<Int>)

    /// What one attention block can lose: its geometry, where each head's channels are, and the
    /// whole key/value groups that could go, lowest index first.
    struct Plan {
        let modules: [String]
        let qkv: [Projection]
        let output: Projection
        let heads: Int
        let keyValueHeads: Int
        let size: Int
        let query: [Part]
        let key: [Part]
        let value: [Part]
        /// The all-zero groups a per-layer slim removes (every one, but never the last group left).
        let removable: [Int]

        var group: Int { heads / keyValueHeads }
    }

    /// Slims the block as far as it goes on its own.
    static func apply(_ finding: AttentionFinding, in model: Module, trace: TraceSearcher) throws -> SlimOutcome {
        switch try plan(finding, in: model, trace: trace) {
        case let .ready(plan): try apply(plan, groups: plan.removable.count)
        case let .skipped(finding): .skipped(finding)
        }
    }

    /// The groups the block can lose, or why it is left alone.
    static func plan(_ finding: AttentionFinding, in model: Module, trace: TraceSearcher) throws -> Planned<Plan> {
        let modules = finding.qkv + finding.ffn
        func skip(_ reason: String) -> Planned<Plan> {
            .skipped(SkippedFinding(kind: .heads, modules: modules, reason: reason))
        }
        guard let heads = finding.numHeads, let keyValueHeads = finding.numKVHeads, let size = finding.headSize,
              heads > 0, keyValueHeads > 0, size > 0 else {
            return skip("head geometry unknown (the trace shows no attention matmuls)")
        }
        guard heads % keyValueHeads == 0 else { return skip("\(keyValueHeads) key/value heads do not divide \(heads) heads") }
        guard finding.ffn.count == 1 else { return skip("no single output projection") }
        if let norm = normalisationAcrossHeads(of: finding.qkv, headSize: size, trace: trace) {
            return skip("\(norm.path) normalises \(norm.projection)'s output over all heads (\(norm.width) channels): "
                        + "removing a head would change the normalisation of the others")
        }
        if let outside = scoreTermOutsideProjections(of: finding.qkv, trace: trace) {
            return skip("\(outside) adds per-head terms to the attention scores: its heads would have to go too, and slimtrace does not cut it")
        }
        if let bias = perHeadScoreBias(of: finding.qkv, trace: trace) {
            return skip("a bias that differs per head (\(bias), ALiBi) is added to the attention scores: "
                        + "the remaining heads would get other heads' slopes")
        }
        let output = try Projection(path: finding.ffn[0], in: model)
        let qkv = try finding.qkv.map { try Projection(path: $0, in: model) }
        let (queryWidth, keyValueWidth) = (heads * size, keyValueHeads * size)
        guard output.inFeatures == queryWidth else {
            return skip("\(output.path) has \(output.inFeatures) input channels, \(heads) heads of \(size) need \(queryWidth)")
        }

        // Each query head's channels, and each key/value head's key and value channels, in their weights.
        let query: [Part], key: [Part], value: [Part]
        switch qkv.count {
        case 1:
            guard let layout = finding.qkvLayout else { return skip("fused \(qkv[0].path) has a q/k/v layout slimtrace does not know") }
            guard qkv[0].outFeatures == queryWidth + 2 * keyValueWidth else {
                return skip("fused \(qkv[0].path) has \(qkv[0].outFeatures) output channels, not \(queryWidth + 2 * keyValueWidth)")
            }
            let ranges = layout.channels(heads: heads, keyValueHeads: keyValueHeads, headSize: size)
            (query, key, value) = (ranges.query.map { (qkv[0], $0) }, ranges.key.map { (qkv[0], $0) }, ranges.value.map { (qkv[0], $0) })
        case 3:
            for (projection, width) in zip(qkv, [queryWidth, keyValueWidth, keyValueWidth]) where projection.outFeatures != width {
                return skip("\(projection.path) has \(projection.outFeatures) output channels, expected \(width)")
            }
            func each(_ count: Int, of projection: Projection) -> [Part] {
                (0..<count).map { (projection, ($0 * size)..<(($0 + 1) * size)) }
            }
            (query, key, value) = (each(heads, of: qkv[0]), each(keyValueHeads, of: qkv[1]), each(keyValueHeads, of: qkv[2]))
        default:
            return skip("\(qkv.count) q/k/v linears (expected 3, or 1 fused)")
        }
        var zeroFlags: [ObjectIdentifier: [Bool]] = [:]
        for projection in qkv where zeroFlags[ObjectIdentifier(projection.weight)] == nil {
            zeroFlags[ObjectIdentifier(projection.weight)] = try projection.zeroOutputChannels()
        }
        func zero(_ part: Part) -> Bool {
            zeroFlags[ObjectIdentifier(part.projection.weight)]![part.channels].allSatisfy { $0 }
        }
        let outputZero = try output.zeroInputChannels()
        let queryHeadZero = (0..<heads).map { head in
            zero(query[head]) && outputZero[(head * size)..<((head + 1) * size)].allSatisfy { $0 }
        }

        let group = heads / keyValueHeads
        let zeroGroups = (0..<keyValueHeads).filter { kv in
            zero(key[kv]) && zero(value[kv]) && (kv * group..<(kv + 1) * group).allSatisfy { queryHeadZero[$0] }
        }
        let removedGroups = zeroGroups.count == keyValueHeads ? Array(zeroGroups.dropLast()) : zeroGroups
        guard !removedGroups.isEmpty else {
            if !zeroGroups.isEmpty { return skip("every head is zero; one \(group == 1 ? "head" : "group") must stay") }
            let zeroQueries = queryHeadZero.filter { $0 }.count
            if zeroQueries == 0 { return skip("no head whose q/k/v rows and output-projection columns are all zero") }
            if group == 1 { return skip("\(zeroQueries) head(s) zero in q and the output projection, but not in k and v") }
            return skip("\(zeroQueries) zero query head(s), but no whole key/value group (a key/value head and its \(group) query heads) is zero")
        }
        return .ready(Plan(modules: modules, qkv: qkv, output: output, heads: heads, keyValueHeads: keyValueHeads, size: size,
                           query: query, key: key, value: value, removable: removedGroups))
    }

    /// Removes the first `groups` of the plan's removable key/value groups and their query heads.
    static func apply(_ plan: Plan, groups: Int) throws -> SlimOutcome {
        let (heads, keyValueHeads, size, group) = (plan.heads, plan.keyValueHeads, plan.size, plan.group)
        let (qkv, output, query, key, value) = (plan.qkv, plan.output, plan.query, plan.key, plan.value)
        let removedGroups = Array(plan.removable.prefix(groups))
        let removedGroupSet = Set(removedGroups)
        let keptGroups = (0..<keyValueHeads).filter { !removedGroupSet.contains($0) }
        let keptHeads = keptGroups.flatMap { ($0 * group)..<(($0 + 1) * group) }
        let removedHeads = removedGroups.flatMap { ($0 * group)..<(($0 + 1) * group) }
        let keptQuery = keptHeads.flatMap { (($0 * size)..<(($0 + 1) * size)) }

        // Every projection keeps, in its own channel order, the channels of the kept heads and groups.
        var keptChannels: [ObjectIdentifier: [Int]] = [:]
        for part in keptHeads.map({ query[$0] }) + keptGroups.flatMap({ [key[$0], value[$0]] }) {
            keptChannels[ObjectIdentifier(part.projection.weight), default: []] += Array(part.channels)
        }
        var replacements: [(Parameter, Tensor)] = []
        for projection in qkv {
            replacements += try projection.keepingOutputChannels(keptChannels[ObjectIdentifier(projection.weight)]!.sorted())
        }
        replacements += try output.keepingInputChannels(keptQuery)
        let tensors = SlimEdit.apply(replacements, names: SlimEdit.parameterNames(qkv + [output]))
        let grouped = keyValueHeads != heads
        return .slimmed(SlimChange(
            kind: .heads, layer: SlimEdit.layerKey(of: plan.modules), modules: plan.modules,
            before: heads, after: keptHeads.count, removed: removedHeads,
            keyValueHeadsBefore: grouped ? keyValueHeads : nil, keyValueHeadsAfter: grouped ? keptGroups.count : nil,
            removedKeyValueHeads: grouped ? removedGroups : nil,
            headSize: size, tensors: tensors, parametersRemoved: tensors.reduce(0) { $0 + $1.removedElements }, flopsSaved: 0))
    }

    /// The first module outside `qkv` whose weights reach a term added to the attention scores of
    /// `qkv` (a parameter's module, or a linear not in `qkv`), or nil: the scores are the matmuls
    /// the projections feed through layout ops, followed through scaling and masking.
    private static func scoreTermOutsideProjections(of qkv: [String], trace: TraceSearcher) -> String? {
        let graph = trace.graph
        let projections = Set(qkv)
        let layout: Set<Op> = [.reshape, .transpose, .permute, .contiguous, .split, .narrow, .select, .unsqueeze,
                               .mul, .div, .rotary, .rmsNorm, .layerNorm]
        let scoring: Set<Op> = [.mul, .div, .add, .maskedFill, .where, .tanh, .to, .contiguous]
        func reachable(from start: [Int], through ops: Set<Op>, visit: (Node, Int) -> Void) {
            var pending = start, seen = Set<Int>()
            while let value = pending.popLast() {
                guard seen.insert(value).inserted else { continue }
                for user in graph.users(of: value).map({ graph.nodes[$0] }) {
                    visit(user, value)
                    if user.runs(ops) { pending += user.outputs }
                }
            }
        }
        var scores: [Int] = []
        reachable(from: trace.linearNodes.filter { projections.contains($0.scope?.path ?? "") }.flatMap(\.outputs), through: layout) { user, _ in
            if user.op == .matmul { scores += user.outputs }
        }
        var terms: [Int] = []
        reachable(from: scores, through: scoring) { user, value in
            if user.op == .add { terms += user.inputs.filter { $0 != value } }
        }
        var pending = terms, seen = Set<Int>()
        while let value = pending.popLast() {
            guard seen.insert(value).inserted else { continue }
            let producer = graph.producer(of: value)
            if producer.isParameter {
                return graph.values[value].name.map { $0.split(separator: ".").dropLast().joined(separator: ".") } ?? "a parameter"
            }
            if producer.op == .linear {
                let path = producer.scope?.path ?? "a linear"
                if projections.contains(path) { continue }
                return path
            }
            pending += producer.inputs
        }
        return nil
    }

    /// The first norm that reads a q/k/v projection's output (through reshapes and transposes)
    /// over more than `headSize` channels, with its module path, the projection and the width.
    private static func normalisationAcrossHeads(of qkv: [String], headSize: Int, trace: TraceSearcher)
        -> (path: String, projection: String, width: Int)? {
        let graph = trace.graph
        let layout: Set<Op> = [.reshape, .transpose, .permute, .contiguous]
        for node in trace.linearNodes where qkv.contains(node.scope?.path ?? "") {
            var pending = node.outputs
            while let value = pending.popLast() {
                for user in graph.users(of: value).map({ graph.nodes[$0] }) {
                    if user.runs([.rmsNorm, .layerNorm]), user.inputs.first == value {
                        let width = graph.values[value].shape.last ?? 0
                        if width > headSize { return (user.scope?.path ?? "a norm", node.scope?.path ?? "", width) }
                    } else if user.runs(layout) {
                        pending += user.outputs
                    }
                }
            }
        }
        return nil
    }

    /// The shape of a tensor that differs per head and is added to the attention scores of a
    /// q/k/v projection (BLOOM's ALiBi, `[batch, heads, 1, keys]`) between the scores matmul and
    /// the softmax, if any: its slopes are fixed by head index, so cutting a head shifts them. A
    /// term computed from the block's own projections (DeBERTa's c2p and p2c scores with
    /// `share_att_key`) is cut with them and does not count.
    private static func perHeadScoreBias(of qkv: [String], trace: TraceSearcher) -> String? {
        let graph = trace.graph
        let toScores: Set<Op> = [.reshape, .transpose, .permute, .contiguous, .select, .narrow, .split, .expand, .unsqueeze, .rotary, .mul]
        let toProbabilities: Set<Op> = [.mul, .div, .add, .maskedFill, .where, .tanh, .to]
        for node in trace.linearNodes where qkv.contains(node.scope?.path ?? "") {
            var pending = node.outputs, seen = Set<Int>()
            while let value = pending.popLast() {
                guard seen.insert(value).inserted else { continue }
                for user in graph.users(of: value).map({ graph.nodes[$0] }) {
                    if user.op == .matmul, user.inputs.first == value {
                        var scores = user.outputs
                        while let score = scores.popLast() {
                            for next in graph.users(of: score).map({ graph.nodes[$0] }) where next.runs(toProbabilities) {
                                if next.op == .add, let other = next.inputs.first(where: { $0 != score }),
                                   !isComputed(other, fromProjections: qkv, trace: trace) {
                                    let shape = graph.values[other].shape
                                    if shape.count >= 3, shape[shape.count - 3] > 1 { return Shape.describe(shape) }
                                }
                                scores += next.outputs
                            }
                        }
                    } else if user.runs(toScores) {
                        pending += user.outputs
                    }
                }
            }
        }
        return nil
    }

    /// True when `value` is computed from an output of one of the `qkv` projections (its producers,
    /// followed back to the graph's inputs and parameters, include such a linear).
    private static func isComputed(_ value: Int, fromProjections qkv: [String], trace: TraceSearcher) -> Bool {
        let graph = trace.graph
        var pending = [value], seen = Set<Int>()
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            let producer = graph.producer(of: next)
            if producer.op == .linear, qkv.contains(producer.scope?.path ?? "") { return true }
            pending += producer.inputs
        }
        return false
    }
}
