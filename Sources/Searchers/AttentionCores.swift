import Tracer

/// One attention computation found in the graph: `context = softmax(q·kᵀ …)·v`, the linears that
/// produce q, k and v (the same node for a fused qkv linear), the linear that consumes the context,
/// and the head geometry read from the shapes and from which channels each head holds.
struct AttentionCore {
    /// Node indices of the q, k and v linears, in execution order (may repeat when fused).
    let qkv: [Int]
    /// Node index of the output projection, if the context reaches one through layout ops.
    let output: Int?
    let numHeads: Int
    let numKVHeads: Int
    let headSize: Int
    /// A fused qkv linear's channel layout; nil for separate q, k, v or a layout neither of
    /// `QKVLayout`'s.
    let layout: QKVLayout?
}

/// Finds every `AttentionCore` from the pairs of `matmul` nodes that compute scores and context.
struct AttentionCores {
    let graph: Graph

    func find() -> [AttentionCore] {
        /// Key/value heads and fused layout by the q, k, v paths' `ChannelReplay.structure`: every
        /// layer after the first repeats the first's.
        var geometries: [String: (keyValueHeads: Int, layout: QKVLayout?)] = [:]
        return graph.nodes.compactMap { node -> AttentionCore? in
            guard node.op == .matmul, node.inputs.count == 2,
                  let scores = scoresMatmul(feeding: node.inputs[0]),
                  let query = projection(of: graph.nodes[scores].inputs[0]),
                  let key = projection(of: graph.nodes[scores].inputs[1]),
                  let value = projection(of: node.inputs[1]) else { return nil }
            let queryShape = graph.values[graph.nodes[scores].inputs[0]].shape
            guard let headSize = queryShape.last, headSize > 0 else { return nil }
            let numHeads = queryShape.count >= 3 ? queryShape[queryShape.count - 3] : 1
            let keyFeatures = graph.values[key.features].shape.last ?? 0
            let qkv = [query.linear, key.linear, value.linear].sorted()
            let paths = [(query.linear, graph.nodes[scores].inputs[0]), (key.linear, graph.nodes[scores].inputs[1]), (value.linear, node.inputs[1])]
            let fused = query.linear == key.linear && key.linear == value.linear
            let structure = "\(fused)" + paths.map { path in
                var replay = ChannelReplay(graph: graph, linear: path.0)
                return "|" + replay.structure(of: path.1)
            }.joined()
            let geometry = geometries[structure] ?? {
                let heads = headChannels(query: paths[0], key: paths[1], value: paths[2])
                let keyValueHeads = heads.map { uniqued($0.key).count } ?? max(1, keyFeatures / headSize)
                let layout = fused ? heads.flatMap { heads in
                    QKVLayout.allCases.first { matches($0, heads, keyValueHeads: keyValueHeads, headSize: headSize) }
                } : nil
                return (keyValueHeads, layout)
            }()
            geometries[structure] = geometry
            return AttentionCore(qkv: qkv, output: outputProjection(from: node.outputs[0]),
                                 numHeads: numHeads, numKVHeads: geometry.keyValueHeads, headSize: headSize, layout: geometry.layout)
        }
    }

    /// The channels of its linear that each head of q, k and v (the attention matmuls' inputs)
    /// holds; a key/value head shared by several query heads appears once per query head.
    private func headChannels(query: (linear: Int, value: Int), key: (linear: Int, value: Int),
                              value: (linear: Int, value: Int)) -> (query: [Set<Int>], key: [Set<Int>], value: [Set<Int>])? {
        func channels(_ path: (linear: Int, value: Int)) -> [Set<Int>]? {
            var replay = ChannelReplay(graph: graph, linear: path.linear)
            return replay.headChannels(of: path.value)
        }
        guard let q = channels(query), let k = channels(key), let v = channels(value), k.count == q.count, v.count == q.count else { return nil }
        return (q, k, v)
    }

    /// True when the heads' channels are those `layout` gives.
    private func matches(_ layout: QKVLayout, _ heads: (query: [Set<Int>], key: [Set<Int>], value: [Set<Int>]),
                         keyValueHeads: Int, headSize: Int) -> Bool {
        let count = heads.query.count
        guard keyValueHeads > 0, count % keyValueHeads == 0 else { return false }
        let expected = layout.channels(heads: count, keyValueHeads: keyValueHeads, headSize: headSize)
        let group = count / keyValueHeads
        return (0..<count).allSatisfy { head in
            heads.query[head] == Set(expected.query[head]) && heads.key[head] == Set(expected.key[head / group])
                && heads.value[head] == Set(expected.value[head / group])
        }
    }

    /// The `matmul` that computed the scores behind probabilities `valueID`, walking back through
    /// scaling, masking, softmax and dropout.
    private func scoresMatmul(feeding valueID: Int) -> Int? {
        let producer = graph.producer(of: valueID)
        if producer.op == .matmul { return producer.id }
        guard producer.runs(GraphOps.scoreToProbability) else { return nil }
        for input in producer.inputs {
            if let found = scoresMatmul(feeding: input) { return found }
        }
        return nil
    }

    /// The linear whose output reaches `valueID` through layout ops, and the value that carries its
    /// features for this path (the linear's output, or the piece a `split` cut from it).
    private func projection(of valueID: Int) -> (linear: Int, features: Int)? {
        let producer = graph.producer(of: valueID)
        if producer.op == .linear { return (producer.id, valueID) }
        guard producer.runs(GraphOps.layout) else { return nil }
        for input in producer.inputs {
            guard let found = projection(of: input) else { continue }
            let cutFromLinear = producer.op == .split && graph.values[found.features].producer == found.linear
            return cutFromLinear ? (found.linear, valueID) : found
        }
        return nil
    }

    /// The linear that reads the context `valueID` (after merging heads) as its data input.
    private func outputProjection(from valueID: Int) -> Int? {
        for userIndex in graph.users(of: valueID) {
            let user = graph.nodes[userIndex]
            if user.op == .linear, user.inputs.first == valueID { return user.id }
            if user.runs(GraphOps.layout), let output = user.outputs.first, let found = outputProjection(from: output) {
                return found
            }
        }
        return nil
    }
}
