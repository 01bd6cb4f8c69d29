import Tracer

/// Finds self-attention blocks (INC's `SelfMHASearcher`). INC's rule first: a value read by three
/// or more linears whose outputs have one shape (exactly three) gives q/k/v in execution order,
/// and the output projection is the first linear module after one of them in `named_modules`
/// order. Beyond INC, the attention matmuls of the graph (scores = q·kᵀ, context = p·v) give the
/// head geometry, and find grouped-query attention (k/v narrower than q) and fused qkv linears in
/// every layout (`QKVLayout`: concatenated as GPT-2, Phi-3; grouped per key/value head as Falcon;
/// per head as GPT-NeoX, BLOOM), which INC's shape rule misses.
public struct SelfMHASearcher {
    public let trace: TraceSearcher
    private var graph: Graph { trace.graph }

    public init(trace: TraceSearcher) {
        self.trace = trace
    }

    /// INC's `search(split_qkv_ffn:)` when split: every qkv linear in one list, every output projection in another.
    public func searchSplit() -> (qkv: [String], ffn: [String]) {
        let findings = search()
        return (findings.flatMap(\.qkv), findings.flatMap(\.ffn))
    }

    /// Every attention block, ordered by its first qkv linear's execution, each with `mha_name`
    /// (INC's `search(split_qkv_ffn: false)` followed by `obtain_mha_module`).
    public func search() -> [AttentionFinding] {
        let cores = AttentionCores(graph: graph).find()
        let linearModules = ModuleOrder(trace.linearModulePaths())
        let coreOfQKV = Dictionary(cores.map { (Array(Set($0.qkv)).sorted(), $0) }, uniquingKeysWith: { first, _ in first })
        var findings: [(position: Int, finding: AttentionFinding)] = []
        var covered = Set<[Int]>()
        for cluster in incClusters() {
            let core = coreOfQKV[cluster.sorted()]
            covered.insert(cluster.sorted())
            findings.append((cluster[0], makeFinding(qkv: cluster, core: core, incRule: true, linearModules: linearModules)))
        }
        for core in cores where !covered.contains(Array(Set(core.qkv)).sorted()) {
            findings.append((core.qkv[0], makeFinding(qkv: uniqued(core.qkv), core: core, incRule: false, linearModules: linearModules)))
        }
        return findings.sorted { $0.position < $1.position }.map(\.finding)
    }

    /// INC's head pattern strings for a finding: `"{head_size}xchannel"` for q/k/v, `"channelx{head_size}"`
    /// for the output projection (`get_head_pattern`).
    public static func headPattern(_ finding: AttentionFinding) -> (qkv: String, ffn: String)? {
        finding.headSize.map { ("\($0)xchannel", "channelx\($0)") }
    }

    /// A finding for q/k/v linears `qkv`. Its output projection is INC's (the next linear module)
    /// for a block INC's rule finds (`incRule`), else the linear the graph shows reading the
    /// context (Phi-3 declares `o_proj` before `qkv_proj`, so the module after it is the MLP's).
    private func makeFinding(qkv: [Int], core: AttentionCore?, incRule: Bool, linearModules: ModuleOrder) -> AttentionFinding {
        let names = qkv.map { trace.path(of: graph.nodes[$0]) }
        let fromGraph = core.flatMap { $0.output }.map { trace.path(of: graph.nodes[$0]) }
        let ffn = incRule ? incOutputProjection(after: names, in: linearModules) ?? fromGraph
            : fromGraph ?? incOutputProjection(after: names, in: linearModules)
        return AttentionFinding(
            qkv: names, ffn: ffn.map { [$0] } ?? [],
            mhaName: [ModulePaths.commonModule(names[0], names[names.count - 1])],
            fusedQKV: qkv.count == 1, qkvLayout: qkv.count == 1 ? core?.layout : nil,
            numHeads: core?.numHeads, numKVHeads: core?.numKVHeads, headSize: core?.headSize)
    }

    /// INC's candidate clusters: linear node indices, three per cluster, in execution order.
    private func incClusters() -> [[Int]] {
        var consumers: [Int: [Int]] = [:]
        var order: [Int] = []
        for linear in trace.linearNodes {
            guard let input = linear.inputs.first else { continue }
            if consumers[input] == nil { order.append(input) }
            consumers[input, default: []].append(linear.id)
        }
        return order.compactMap { input in
            let linears = consumers[input]!
            guard linears.count >= 3 else { return nil }
            var countOfShape: [[Int]: Int] = [:]
            for linear in linears { countOfShape[outputShape(linear), default: 0] += 1 }
            let qkv = linears.filter { countOfShape[outputShape($0)] == 3 }
            return qkv.count == 3 ? qkv : nil
        }
    }

    private func outputShape(_ node: Int) -> [Int] {
        graph.values[graph.nodes[node].outputs[0]].shape
    }

    /// INC's rule: the first linear module, in `named_modules` order, right after one of `qkv`.
    /// Starts at the first qkv module, so each search costs the block, not the model.
    private func incOutputProjection(after qkv: [String], in order: ModuleOrder) -> String? {
        let members = Set(qkv)
        let ordered = order.paths
        guard let start = qkv.compactMap({ order.position[$0] }).min() else { return nil }
        for index in ordered.indices[(start + 1)...] where members.contains(ordered[index - 1]) && !members.contains(ordered[index]) {
            return ordered[index]
        }
        return nil
    }
}

/// Module paths in `named_modules` order with each one's position.
struct ModuleOrder {
    let paths: [String]
    let position: [String: Int]

    init(_ paths: [String]) {
        self.paths = paths
        position = Dictionary(paths.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// `values` without repeats, first occurrence order.
func uniqued<Element: Hashable>(_ values: [Element]) -> [Element] {
    var seen = Set<Element>()
    return values.filter { seen.insert($0).inserted }
}
