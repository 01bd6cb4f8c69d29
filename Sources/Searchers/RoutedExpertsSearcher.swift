import Tensor
import Tracer

/// Beyond INC: the routed-experts blocks of a trace (Mixtral, Qwen2-MoE, Qwen3-MoE), one finding
/// per block covering all its experts.
///
/// How the trace knows every expert: the experts' projections are `routed_linear` ops whose weight
/// input is the whole 3-D parameter (`[experts, out, in]`), recorded once per block whatever the
/// routing sent where (a meta trace, which routes nothing, records the same node). So the rule
/// reads the graph, never module names: a `routed_linear` root whose data input comes, through
/// channel-preserving elementwise ops and equal splits of the feature axis (the GLU's
/// `gate_up_proj(x).chunk(2)`), from `routed_linear` frontiers under the same routing. The finding
/// names the 3-D parameters (`experts.down_proj`, `experts.gate_up_proj`), says `fused_glu` when a
/// frontier's output is split into the gate and up halves, and `experts` (the weight's first
/// dimension). `safe` as for Linear2Linear: every use of a frontier's output, followed through
/// those ops, ends in the root's data input, and every add/mul on the way joins only values from
/// the frontiers.
public struct RoutedExpertsSearcher {
    public let trace: TraceSearcher
    private var graph: Graph { trace.graph }

    public init(trace: TraceSearcher) {
        self.trace = trace
    }

    /// One finding per routed-experts block, with the node index of its root (execution order).
    public func search(explain: Bool = false) -> [(root: Int, finding: Linear2LinearFinding)] {
        graph.nodes.compactMap { root -> (Int, Linear2LinearFinding)? in
            guard root.op == .routedLinear, root.inputs.count == 3, let name = parameterName(root) else { return nil }
            var splits = false
            let frontiers = sources(of: root.inputs[0], routing: root.inputs[2], throughSplit: &splits)
            guard !frontiers.isEmpty else { return nil }
            let names = frontiers.compactMap(parameterName)
            guard names.count == frontiers.count else { return nil }
            let unsafe = firstForeignUse(of: frontiers, root: root)
            var finding = Linear2LinearFinding(rootLinear: name, targetFrontierLinears: names, safe: unsafe == nil,
                                               fusedGLU: splits ? true : nil, experts: graph.values[root.inputs[1]].shape.first)
            if explain {
                let linears = Linear2LinearSearcher(trace: trace)
                finding.explain = .init(path: (frontiers.map(\.id) + [root.id]).map(linears.describe),
                                        unsafeBecause: unsafe.map(linears.describe))
            }
            return (root.id, finding)
        }
    }

    /// The dotted name of the 3-D parameter a `routed_linear` node multiplies by.
    private func parameterName(_ node: Node) -> String? {
        let weight = graph.producer(of: node.inputs[1])
        return weight.isParameter ? graph.values[node.inputs[1]].name : nil
    }

    /// The `routed_linear` nodes (routed by `routing`) that value `valueID` comes from through
    /// channel-preserving ops and equal feature splits, each once, in the order first reached.
    private func sources(of valueID: Int, routing: Int, throughSplit splits: inout Bool) -> [Node] {
        var found: [Node] = []
        var pending = [valueID], seen = Set<Int>()
        while let value = pending.popLast() {
            guard seen.insert(value).inserted else { continue }
            let producer = graph.producer(of: value)
            if producer.op == .routedLinear, producer.inputs.count == 3, producer.inputs[2] == routing {
                if !found.contains(where: { $0.id == producer.id }) { found.append(producer) }
            } else if producer.runs(GraphOps.channelPreserving) {
                pending += producer.inputs.reversed()
            } else if isEqualFeatureSplit(producer) {
                splits = true
                pending.append(producer.inputs[0])
            }
        }
        return found
    }

    /// The first node that uses a frontier's channels other than through to `root`'s data input
    /// (nil: the block is safe to slim).
    private func firstForeignUse(of frontiers: [Node], root: Node) -> Int? {
        let frontierIDs = Set(frontiers.map(\.id))
        var pending = frontiers.flatMap(\.outputs), visited = Set<Int>()
        while let value = pending.popLast() {
            guard visited.insert(value).inserted else { continue }
            if graph.outputs.contains(value) { return graph.values[value].producer }
            for userIndex in graph.users(of: value) {
                let user = graph.nodes[userIndex]
                if userIndex == root.id, user.inputs.first == value { continue }
                guard user.runs(GraphOps.channelPreserving) || isEqualFeatureSplit(user) else { return userIndex }
                for other in user.inputs where other != value {
                    var splits = false
                    let origins = sources(of: other, routing: root.inputs[2], throughSplit: &splits)
                    if origins.isEmpty || !origins.allSatisfy({ frontierIDs.contains($0.id) }) { return userIndex }
                }
                pending += user.outputs
            }
        }
        return nil
    }

    /// A `split` of the last axis into equal pieces (`chunk(2, -1)` of a fused gate/up projection).
    private func isEqualFeatureSplit(_ node: Node) -> Bool {
        guard node.op == .split, let input = node.inputs.first, case let .int(axis)? = node.attributes["dim"],
              case let .ints(sizes)? = node.attributes["sizes"], let first = sizes.first else { return false }
        let rank = graph.values[input].shape.count
        return (axis == -1 || axis == rank - 1) && sizes.allSatisfy { $0 == first }
    }
}

extension Linear2LinearSearcher {
    /// INC's findings (`search(explain:)`) and the routed-experts blocks (`RoutedExpertsSearcher`)
    /// together, in the execution order of their roots.
    public func searchWithRoutedExperts(explain: Bool = false) -> [Linear2LinearFinding] {
        var roots = trace.linearNodes.makeIterator()
        let linear = search(explain: explain).map { finding -> (root: Int, finding: Linear2LinearFinding) in
            while let node = roots.next() {
                if trace.path(of: node) == finding.rootLinear { return (node.id, finding) }
            }
            return (Int.max, finding)
        }
        let routed = RoutedExpertsSearcher(trace: trace).search(explain: explain)
        return (linear + routed).enumerated().sorted { ($0.element.root, $0.offset) < ($1.element.root, $1.offset) }.map(\.element.finding)
    }
}
