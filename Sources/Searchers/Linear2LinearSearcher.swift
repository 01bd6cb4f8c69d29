import Tracer

/// Finds linear layers whose input comes from other linears through channel-preserving elementwise
/// ops only (INC's `Linear2LinearSearcher`): BERT's `intermediate.dense → gelu → output.dense`,
/// LLaMA's `gate_proj, up_proj → silu, mul → down_proj`. Reads the graph's structure; each value's
/// frontier is computed once, so the search is linear in the number of nodes.
public struct Linear2LinearSearcher {
    public let trace: TraceSearcher
    private var graph: Graph { trace.graph }

    public init(trace: TraceSearcher) {
        self.trace = trace
    }

    /// INC's `search()`: for every linear in execution order with a non-empty frontier, a finding;
    /// with `explain`, each carries its op path and what makes it unsafe.
    public func search(explain: Bool = false) -> [Linear2LinearFinding] {
        var walk = BackwardWalk(graph: graph)
        var forward = ForwardCheck(graph: graph)
        return trace.linearNodes.compactMap { root in
            guard let input = root.inputs.first else { return nil }
            let reached = walk.frontiers(of: input)
            guard !reached.isEmpty else { return nil }
            let fused = reached.contains { frontier in
                graph.users(of: graph.nodes[frontier].outputs[0]).contains { graph.isEqualFeatureSplit(graph.nodes[$0]) }
            }
            let frontiers = fused ? uniqued(reached) : reached
            let verdict = forward.check(frontiers: frontiers, root: root.id)
            var finding = Linear2LinearFinding(
                rootLinear: trace.path(of: root),
                targetFrontierLinears: frontiers.map { trace.path(of: graph.nodes[$0]) },
                safe: verdict == nil, fusedGLU: fused ? true : nil)
            if explain {
                finding.explain = .init(path: walk.path(from: frontiers[0], to: root.id).map(describe),
                                        unsafeBecause: verdict.map(describe))
            }
            return finding
        }
    }

    /// The linears that are not roots, each with the op that stopped the walk from its input
    /// (`--explain` lists them so a user can see why nothing was coupled).
    public func stoppedLinears() -> [StoppedLinear] {
        var walk = BackwardWalk(graph: graph)
        return trace.linearNodes.compactMap { root in
            guard let input = root.inputs.first, walk.frontiers(of: input).isEmpty else { return nil }
            return StoppedLinear(linear: trace.path(of: root), stoppedAt: describe(walk.firstStop(from: input)))
        }
    }

    /// `op at module` for node `index`.
    func describe(_ index: Int) -> String {
        let node = graph.nodes[index]
        return "\(node.kind.name) at \(node.scope.map { $0.path.isEmpty ? "<root>" : $0.path } ?? "<outside every module>")"
    }
}

/// The backward walk of INC's Linear2Linear search, memoised per value: the frontier linears of a
/// value are the linears reached from it by walking back through channel-preserving ops, all their
/// tensor inputs in argument order (duplicates kept, as INC's depth-first search does).
struct BackwardWalk {
    let graph: Graph
    private var memo: [Int: [Int]] = [:]

    init(graph: Graph) {
        self.graph = graph
    }

    /// Frontier linear node indices reached from value `valueID`.
    mutating func frontiers(of valueID: Int) -> [Int] {
        if let known = memo[valueID] { return known }
        let producer = graph.producer(of: valueID)
        var result: [Int] = []
        if producer.op == .linear {
            result = [producer.id]
        } else if graph.passesChannels(producer) {
            for input in producer.inputs { result += frontiers(of: input) }
        }
        memo[valueID] = result
        return result
    }

    /// The first node, walking back from `valueID` as the search does, whose op ends the walk.
    func firstStop(from valueID: Int) -> Int {
        let producer = graph.producer(of: valueID)
        guard graph.passesChannels(producer), let first = producer.inputs.first else { return producer.id }
        return firstStop(from: first)
    }

    /// The nodes from `frontier` to `root` along channel-preserving ops (for explanations).
    func path(from frontier: Int, to root: Int) -> [Int] {
        var path = [root]
        var current = graph.nodes[root].inputs[0]
        while true {
            let producer = graph.producer(of: current)
            path.append(producer.id)
            if producer.id == frontier || producer.op == .linear { break }
            guard let next = producer.inputs.first(where: { reaches(frontier, from: $0) }) else { break }
            current = next
        }
        return path.reversed()
    }

    private func reaches(_ frontier: Int, from valueID: Int) -> Bool {
        memo[valueID]?.contains(frontier) ?? false
    }
}

/// The `safe` check: every use of a frontier's output, followed forward through channel-preserving
/// ops, must end in the root's data input, and every add/mul on the way must join only values that
/// themselves come from the frontiers (no residual). Returns the offending node (a joining add/mul
/// when there is one, as the most telling reason; else the first other use), or nil when safe.
struct ForwardCheck {
    let graph: Graph
    private var backward: BackwardWalk

    init(graph: Graph) {
        self.graph = graph
        backward = BackwardWalk(graph: graph)
    }

    mutating func check(frontiers: [Int], root: Int) -> Int? {
        let frontierSet = Set(frontiers)
        var visited = Set<Int>()
        var pending = frontiers.flatMap { graph.nodes[$0].outputs }
        var firstOtherUse: Int?
        if let output = pending.first(where: { graph.outputs.contains($0) }) { firstOtherUse = graph.values[output].producer }
        while let value = pending.popLast() {
            guard visited.insert(value).inserted else { continue }
            for userIndex in graph.users(of: value) {
                let user = graph.nodes[userIndex]
                if userIndex == root, user.inputs.first == value, !user.inputs.dropFirst().contains(value) { continue }
                guard graph.passesChannels(user) else {
                    firstOtherUse = firstOtherUse ?? userIndex
                    continue
                }
                for other in user.inputs where other != value && !isScalarConstant(other) {
                    let sources = backward.frontiers(of: other)
                    if sources.isEmpty || !sources.allSatisfy(frontierSet.contains) { return userIndex }
                }
                if user.outputs.contains(where: graph.outputs.contains) { firstOtherUse = firstOtherUse ?? userIndex }
                pending += user.outputs
            }
        }
        return firstOtherUse
    }

    private func isScalarConstant(_ valueID: Int) -> Bool {
        graph.producer(of: valueID).isConstant && graph.values[valueID].shape.allSatisfy { $0 == 1 }
    }
}
