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
/// - Where each head's channels are, and which blocks keep their heads whatever is zero (a norm
///   over all heads, score terms from outside the projections, ALiBi), is `AttentionHeads`'.
/// - A block never loses every head: when all are zero, the highest-index group stays.
///
/// `--uniform` (`UniformSlim`) removes fewer: the same number of groups in every layer, the
/// lowest-index zero groups of each.
enum HeadSlim {
    /// What one attention block can lose: where its heads are, and the whole key/value groups that
    /// could go, lowest index first.
    struct Plan {
        let layout: AttentionHeads
        /// The all-zero groups a per-layer slim removes (every one, but never the last group left).
        let removable: [Int]

        var modules: [String] { layout.modules }
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
        let layout: AttentionHeads
        switch try AttentionHeads.layout(of: finding, in: model, trace: trace) {
        case let .ready(ready): layout = ready
        case let .skipped(skipped): return .skipped(skipped)
        }
        func skip(_ reason: String) -> Planned<Plan> {
            .skipped(SkippedFinding(kind: .heads, modules: layout.modules, reason: reason))
        }
        let (heads, keyValueHeads, size, group) = (layout.heads, layout.keyValueHeads, layout.headSize, layout.group)
        var zeroFlags: [ObjectIdentifier: [Bool]] = [:]
        for projection in layout.qkv where zeroFlags[ObjectIdentifier(projection.weight)] == nil {
            zeroFlags[ObjectIdentifier(projection.weight)] = try projection.zeroOutputChannels()
        }
        func zero(_ part: AttentionHeads.Part) -> Bool {
            zeroFlags[ObjectIdentifier(part.projection.weight)]![part.channels].allSatisfy { $0 }
        }
        let outputZero = try layout.output.zeroInputChannels()
        let queryHeadZero = (0..<heads).map { head in
            zero(layout.query[head]) && outputZero[(head * size)..<((head + 1) * size)].allSatisfy { $0 }
        }
        let zeroGroups = (0..<keyValueHeads).filter { kv in
            zero(layout.key[kv]) && zero(layout.value[kv]) && (kv * group..<(kv + 1) * group).allSatisfy { queryHeadZero[$0] }
        }
        let removedGroups = zeroGroups.count == keyValueHeads ? Array(zeroGroups.dropLast()) : zeroGroups
        guard !removedGroups.isEmpty else {
            if !zeroGroups.isEmpty { return skip("every head is zero; one \(group == 1 ? "head" : "group") must stay") }
            let zeroQueries = queryHeadZero.filter { $0 }.count
            if zeroQueries == 0 { return skip("no head whose q/k/v rows and output-projection columns are all zero") }
            if group == 1 { return skip("\(zeroQueries) head(s) zero in q and the output projection, but not in k and v") }
            return skip("\(zeroQueries) zero query head(s), but no whole key/value group (a key/value head and its \(group) query heads) is zero")
        }
        return .ready(Plan(layout: layout, removable: removedGroups))
    }

    /// Removes the first `groups` of the plan's removable key/value groups and their query heads.
    static func apply(_ plan: Plan, groups: Int) throws -> SlimOutcome {
        let layout = plan.layout
        let (heads, keyValueHeads, size, group) = (layout.heads, layout.keyValueHeads, layout.headSize, layout.group)
        let (qkv, output, query, key, value) = (layout.qkv, layout.output, layout.query, layout.key, layout.value)
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
}
