import NN
import Searchers

/// `--uniform`: every layer loses the same amount, so that the family's own config (one
/// `intermediate_size`, one head count: Hugging Face's `PretrainedConfig` has no per-layer sizes)
/// can say the result. The amount is the most every layer can lose: the least of the layers'
/// removable counts (channels rounded down to `round` as a per-layer slim rounds them; whole
/// key/value groups). Each layer loses its lowest-index zero channels or groups, so the result is
/// reproducible. One layer that can lose nothing keeps every layer whole.
///
/// Only the layer stack is slimmed (a finding whose layer key has a layer number): a pair outside
/// it (DistilBERT's `pre_classifier` → `classifier`) has a width no config key holds.
enum UniformSlim {
    static func channels(_ findings: [Linear2LinearFinding], in model: Module, round: Int) throws -> [SlimOutcome] {
        let plans = try findings.map { try ChannelSlim.plan($0, in: model, round: round) }
        return try uniformly(plans, kind: .channels, modules: \.modules, removable: \.removable.count, apply: ChannelSlim.apply)
    }

    static func heads(_ findings: [AttentionFinding], in model: Module, trace: TraceSearcher) throws -> [SlimOutcome] {
        let plans = try findings.map { try HeadSlim.plan($0, in: model, trace: trace) }
        return try uniformly(plans, kind: .heads, modules: \.modules, removable: \.removable.count, apply: HeadSlim.apply)
    }

    /// Applies `apply(plan, count)` to every ready plan in the layer stack with the least removable
    /// count; the others are skipped with the reason.
    private static func uniformly<Plan>(_ plans: [Planned<Plan>], kind: SlimChange.Kind, modules: (Plan) -> [String],
                                        removable: (Plan) -> Int, apply: (Plan, Int) throws -> SlimOutcome) throws -> [SlimOutcome] {
        var outcomes: [SlimOutcome] = []
        var stack: [Plan] = []
        var limit: (count: Int, layer: String, reason: String?)?
        for planned in plans {
            switch planned {
            case let .skipped(finding):
                outcomes.append(.skipped(finding))
                let layer = SlimEdit.layerKey(of: finding.modules)
                if SlimEdit.isInLayerStack(layer), limit.map({ $0.count > 0 }) ?? true { limit = (0, layer, finding.reason) }
            case let .ready(plan):
                let layer = SlimEdit.layerKey(of: modules(plan))
                guard SlimEdit.isInLayerStack(layer) else {
                    outcomes.append(.skipped(SkippedFinding(kind: kind, modules: modules(plan),
                                                            reason: "outside the layer stack: no config key holds its width (--uniform)")))
                    continue
                }
                stack.append(plan)
                if removable(plan) < limit?.count ?? .max { limit = (removable(plan), layer, nil) }
            }
        }
        guard let limit, limit.count > 0 else {
            let because = limit.map { " (\($0.layer): \($0.reason ?? "nothing zero"))" } ?? ""
            let unit = kind == .channels ? "channels" : "key/value groups"
            return outcomes + stack.map {
                .skipped(SkippedFinding(kind: kind, modules: modules($0), reason: "--uniform: a layer can lose no \(unit)\(because), so none does"))
            }
        }
        return try stack.map { try apply($0, limit.count) } + outcomes
    }
}
