import Searchers
import Tracer

/// A search's findings placed on the model's layers: one row per repeat of every folded stack
/// (`ModuleGraph.stacks`, e.g. `bert.encoder.layer.0` … `11`), each with its attention blocks
/// (head geometry) and feed-forward channel pairs (their width read off the traced graph), then
/// a row for findings outside every layer when there are any. What the report's layer diagram
/// draws, and what `--compare` matches between two models.
public struct LayerMap: Codable, Equatable, Sendable {
    /// An attention finding, as drawn.
    public struct Attention: Codable, Equatable, Sendable {
        /// `mha_name` (INC's `obtain_mha_module`).
        public var name: String
        public var heads: Int?
        public var kvHeads: Int?
        public var headSize: Int?
        public var fusedQKV: Bool

        enum CodingKeys: String, CodingKey {
            case name, heads
            case kvHeads = "kv_heads"
            case headSize = "head_size"
            case fusedQKV = "fused_qkv"
        }
    }

    /// A Linear2Linear finding, as drawn.
    public struct ChannelPair: Codable, Equatable, Sendable {
        public var root: String
        public var frontiers: [String]
        /// The coupled channels: the root's input width in the trace (nil when the graph does not show it).
        public var channels: Int?
        public var safe: Bool
        /// `--explain`'s reason for an unsafe finding.
        public var unsafeBecause: String?
        /// Routed experts sharing these channels.
        public var experts: Int?

        enum CodingKeys: String, CodingKey {
            case root, frontiers, channels, safe, experts
            case unsafeBecause = "unsafe_because"
        }
    }

    /// One row.
    public struct Layer: Codable, Equatable, Sendable {
        /// The layer's module path (`bert.encoder.layer.3`); `""` for the row of findings outside every layer.
        public var path: String
        public var attention: [Attention]
        public var channelPairs: [ChannelPair]

        enum CodingKeys: String, CodingKey {
            case path, attention
            case channelPairs = "channel_pairs"
        }
    }

    /// The rows: layers in stack and index order, then the outside row when it has findings.
    public var layers: [Layer]

    /// Places `search`'s findings (run with `explain` for the unsafe reasons) on the layers of
    /// `moduleGraph`, reading channel widths from `graph`.
    public init(search: SearchReport, graph: Graph, moduleGraph: ModuleGraph) {
        var rows = moduleGraph.stacks.flatMap { stack in stack.indices.map { Layer(path: "\(stack.path).\($0)", attention: [], channelPairs: []) } }
        rows.append(Layer(path: "", attention: [], channelPairs: []))
        var rowIndex: [String: Int] = [:]
        for (index, row) in rows.enumerated() { rowIndex[row.path] = index }
        func row(of path: String) -> Int {
            for stack in moduleGraph.stacks where path.hasPrefix(stack.path + ".") {
                let rest = path.dropFirst(stack.path.count + 1)
                if let index = Int(rest.prefix { $0 != "." }), let row = rowIndex["\(stack.path).\(index)"] { return row }
            }
            return rows.count - 1
        }
        for finding in search.mha ?? [] {
            let name = finding.mhaName.first ?? finding.qkv.first ?? ""
            rows[row(of: name)].attention.append(Attention(name: name, heads: finding.numHeads, kvHeads: finding.numKVHeads,
                                                           headSize: finding.headSize, fusedQKV: finding.fusedQKV))
        }
        let widths = LayerMap.inputWidths(graph)
        for finding in search.linear2linear ?? [] {
            let channels = widths.byScope[finding.rootLinear] ?? widths.byParameter[finding.rootLinear] ?? widths.byParameter[finding.rootLinear + ".weight"]
            rows[row(of: finding.rootLinear)].channelPairs.append(ChannelPair(
                root: finding.rootLinear, frontiers: finding.targetFrontierLinears, channels: channels, safe: finding.safe,
                unsafeBecause: finding.explain?.unsafeBecause, experts: finding.experts))
        }
        if rows.last!.attention.isEmpty, rows.last!.channelPairs.isEmpty { rows.removeLast() }
        layers = rows
    }

    /// The width of the data input (the last dimension of an op's first input that is not a
    /// parameter) of the first op run in each module, and of the first op reading each parameter:
    /// a linear's input channels whether it is a `Linear` (its scope), a module multiplying by its
    /// own weight (`FalconLinear`), or a routed-experts projection (its 3-D parameter).
    static func inputWidths(_ graph: Graph) -> (byScope: [String: Int], byParameter: [String: Int]) {
        var byScope: [String: Int] = [:]
        var byParameter: [String: Int] = [:]
        for node in graph.nodes where node.isOp {
            guard let data = node.inputs.first, !graph.producer(of: data).isParameter, let width = graph.values[data].shape.last else { continue }
            if let path = node.scope?.path, byScope[path] == nil { byScope[path] = width }
            for input in node.inputs.dropFirst() where graph.producer(of: input).isParameter {
                if let name = graph.values[input].name, byParameter[name] == nil { byParameter[name] = width }
            }
        }
        return (byScope, byParameter)
    }
}
