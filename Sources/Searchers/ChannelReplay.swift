import Tensor
import Tracer

/// Which output channel of one linear each element of a value holds, found by replaying the
/// layout ops between them (reshape, transpose, split, narrow, select, expand, concat...) on a
/// tensor of channel numbers. Ops that keep every element where it is (scaling, dropout, dtype
/// conversion, rotary position embedding, which only mixes channels inside a head) keep the
/// numbers. This reads a fused qkv linear's layout and the key/value heads off the graph, whatever
/// reshapes a family's attention does.
struct ChannelReplay {
    let graph: Graph
    /// The linear node whose output channels are numbered.
    let linear: Int
    private var memo: [Int: Tensor?] = [:]
    private var structures: [Int: String] = [:]

    init(graph: Graph, linear: Int) {
        self.graph = graph
        self.linear = linear
    }

    /// The channel numbers of `valueID` (its shape), or nil when it does not come from the linear
    /// through layout ops only.
    mutating func channels(of valueID: Int) -> Tensor? {
        if let known = memo[valueID] { return known }
        let result = replay(valueID)
        memo[valueID] = result
        return result
    }

    /// For each head of `valueID` (`[..., heads, a, b]`: the head axis third from last, as attention
    /// matmuls read it), the set of channels it holds, read at index 0 of the leading axes.
    mutating func headChannels(of valueID: Int) -> [Set<Int>]? {
        guard let map = channels(of: valueID), map.rank >= 3, let numbers = try? map.contiguous().floats() else { return nil }
        let heads = map.shape[map.rank - 3], perHead = map.shape[(map.rank - 2)...].reduce(1, *)
        return (0..<heads).map { head in Set(numbers[(head * perHead)..<((head + 1) * perHead)].map { Int($0) }) }
    }

    /// What the channel numbers of `valueID` depend on: the layout ops back to the linear, with
    /// their attributes and shapes. Values of the same structure (the same attention in every layer)
    /// have the same numbers, so one replay serves them all.
    mutating func structure(of valueID: Int) -> String {
        if let known = structures[valueID] { return known }
        let node = graph.producer(of: valueID), shape = graph.values[valueID].shape
        let result: String
        if node.id == linear {
            result = "linear\(shape)"
        } else if let op = node.op, GraphOps.layout.contains(op) {
            let attributes = node.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let inputs = node.inputs.map { structure(of: $0) }.joined(separator: ",")
            result = "\(op.rawValue)\(attributes)\(shape)#\(node.outputs.firstIndex(of: valueID) ?? 0)(\(inputs))"
        } else {
            result = "-"
        }
        structures[valueID] = result
        return result
    }

    private mutating func replay(_ valueID: Int) -> Tensor? {
        let node = graph.producer(of: valueID)
        if node.id == linear {
            let shape = graph.values[valueID].shape
            guard let width = shape.last, width > 0 else { return nil }
            let count = shape.reduce(1, *)
            return try? Tensor((0..<count).map { Float($0 % width) }, shape: shape)
        }
        guard let op = node.op, GraphOps.layout.contains(op) else { return nil }
        func int(_ key: String) -> Int? { if case let .int(value)? = node.attributes[key] { value } else { nil } }
        func ints(_ key: String) -> [Int]? { if case let .ints(value)? = node.attributes[key] { value } else { nil } }
        let target = graph.values[valueID].shape
        if op == .concat {
            guard let axis = int("dim") else { return nil }
            var parts: [Tensor] = []
            for input in node.inputs {
                guard let part = channels(of: input) else { return nil }
                parts.append(part)
            }
            return try? Tensor.concat(parts, axis: axis)
        }
        var found: Tensor?
        for input in node.inputs where found == nil { found = channels(of: input) }
        guard let map = found else { return nil }
        let replayed: Tensor?
        switch op {
        case .reshape: replayed = ints("shape").flatMap { try? map.reshape($0) }
        case .permute: replayed = ints("dims").flatMap { try? map.permute($0) }
        case .transpose: replayed = int("dim0").flatMap { a in int("dim1").flatMap { try? map.transpose(a, $0) } }
        case .narrow:
            replayed = int("dim").flatMap { axis in int("start").flatMap { start in int("length").flatMap { try? map.narrow(axis, start: start, length: $0) } } }
        case .select: replayed = int("dim").flatMap { axis in int("index").flatMap { try? map.select(axis, $0) } }
        case .unsqueeze: replayed = int("dim").flatMap { try? map.unsqueeze($0) }
        case .squeeze: replayed = int("dim").flatMap { try? map.squeeze($0) }
        case .expand: replayed = ints("size").flatMap { try? map.expand($0) }
        case .split:
            guard let sizes = ints("sizes"), let axis = int("dim"), let index = node.outputs.firstIndex(of: valueID) else { return nil }
            replayed = (try? map.split(sizes: sizes, axis: axis))?[index]
        default: replayed = map
        }
        return replayed?.shape == target ? replayed : nil
    }
}
