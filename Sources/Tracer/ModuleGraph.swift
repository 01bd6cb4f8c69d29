/// A traced graph seen module by module, with repeated layers folded: the picture `trace --format
/// dot --level module` draws and the report embeds (PyTorch's `torch.fx` graph viewed at
/// `named_modules()` granularity, as TensorBoard's graph plugin groups ops into module boxes).
///
/// A node is a module that ran ops itself (the innermost scope of its ops), or a model input.
/// Repeated modules are folded: in every path, an integer component whose parent holds at least two
/// integer-named children (a `ModuleList` of layers, of experts) becomes a `*`, so the twelve
/// `bert.encoder.layer.N.output.dense` are one node `bert.encoder.layer.*.output.dense` and the
/// node count does not grow with the layer count. An edge is a tensor one node's op produced and
/// another's read (parameters and constants are not drawn); an edge from one layer instance into
/// the next (`layer.0.output.LayerNorm` → `layer.1.attention.self.query`) is marked `nextRepeat`.
public struct ModuleGraph: Sendable, Equatable {
    /// A folded module (or a model input).
    public struct Node: Sendable, Equatable {
        /// Index in `nodes`.
        public var id: Int
        /// The dotted path with every folded index as `*` (`bert.encoder.layer.*.output.dense`);
        /// the input's name for a model input; `<root>` for the root module, `<outside modules>` for
        /// ops that ran outside every module.
        public var path: String
        /// The module class (`Linear`), or `input`.
        public var typeName: String
        /// True for a model input.
        public var isInput: Bool
        /// For each `*` in `path`, the indices it stands for, ascending.
        public var foldedIndices: [[Int]]
        /// The stack (`stacks` index) the node repeats in, nil when it is not folded.
        public var stack: Int?
        /// The path with each `*` written as its index range (`bert.encoder.layer.0…11.output.dense`).
        public var displayPath: String {
            guard !foldedIndices.isEmpty else { return path }
            var parts: [String] = []
            var star = 0
            for part in path.split(separator: ".", omittingEmptySubsequences: false) {
                if part == "*", star < foldedIndices.count {
                    parts.append(ModuleGraph.rangeText(foldedIndices[star]))
                    star += 1
                } else {
                    parts.append(String(part))
                }
            }
            return parts.joined(separator: ".")
        }
    }

    /// A tensor flowing from one node to another.
    public struct Edge: Sendable, Equatable, Hashable {
        public var from: Int
        public var to: Int
        /// The shape of the first tensor seen on this edge.
        public var shape: [Int]
        /// True when the tensor goes from one repeat of a folded stack into the next one.
        public var nextRepeat: Bool
        /// The shape as a short label: `1×16×768`.
        public var shapeText: String { shape.map(String.init).joined(separator: "×") }
    }

    /// A folded run of repeated modules: a `ModuleList` whose integer-named children became one.
    public struct Stack: Sendable, Equatable {
        /// The list's path (`bert.encoder.layer`).
        public var path: String
        /// The class of its children (`BertLayer`), when known.
        public var typeName: String?
        /// The indices folded, ascending.
        public var indices: [Int]
        /// `bert.encoder.layer.0…11 × 12`.
        public var label: String {
            "\(path).\(ModuleGraph.rangeText(indices)) × \(indices.count)"
        }
    }

    /// Nodes in the order their first op ran (inputs first).
    public let nodes: [Node]
    /// Distinct edges in the order first seen.
    public let edges: [Edge]
    /// The folded stacks, outermost only (a stack inside a stack folds into its node paths).
    public let stacks: [Stack]

    /// Folds `graph` at module level.
    public init(_ graph: Graph) {
        var paths = Set(graph.modules.map(\.path))
        var typeNames: [String: String] = [:]
        for module in graph.modules where typeNames[module.path] == nil { typeNames[module.path] = module.typeName }
        for node in graph.nodes {
            guard let scope = node.scope else { continue }
            paths.insert(scope.path)
            if typeNames[scope.path] == nil { typeNames[scope.path] = scope.typeName }
        }
        var integerChildren: [String: Int] = [:]
        for path in paths {
            guard let dot = path.lastIndex(of: "."), Int(path[path.index(after: dot)...]) != nil else { continue }
            integerChildren[String(path[..<dot]), default: 0] += 1
        }
        let foldedParents = Set(integerChildren.filter { $0.value >= 2 }.keys)

        var nodes: [Node] = []
        var nodeIndex: [String: Int] = [:]
        var stacks: [Stack] = []
        var stackIndex: [String: Int] = [:]
        var foldedSets: [[Set<Int>]] = []
        /// The node of a scope path (created on first sight) and the indices its stars stand for here.
        func node(for path: String, typeName: String, isInput: Bool) -> (id: Int, indices: [Int]) {
            var parts: [String] = []
            var indices: [Int] = []
            var stackPath: String?
            var prefix = ""
            for part in path.split(separator: ".", omittingEmptySubsequences: false) {
                if let index = Int(part), !isInput, foldedParents.contains(prefix) {
                    if stackPath == nil { stackPath = prefix }
                    parts.append("*")
                    indices.append(index)
                } else {
                    parts.append(String(part))
                }
                prefix = prefix.isEmpty ? String(part) : prefix + "." + part
            }
            let key = (isInput ? "input " : "") + parts.joined(separator: ".")
            let id: Int
            if let existing = nodeIndex[key] {
                id = existing
            } else {
                id = nodes.count
                nodeIndex[key] = id
                var stack: Int?
                if let stackPath {
                    if stackIndex[stackPath] == nil {
                        stackIndex[stackPath] = stacks.count
                        let first = stackPath + "." + String(indices[0])
                        stacks.append(Stack(path: stackPath, typeName: typeNames[first], indices: []))
                    }
                    stack = stackIndex[stackPath]
                }
                let display = path.isEmpty ? "<root>" : parts.joined(separator: ".")
                nodes.append(Node(id: id, path: display, typeName: typeName, isInput: isInput, foldedIndices: [], stack: stack))
                foldedSets.append(Array(repeating: [], count: indices.count))
            }
            for (star, index) in indices.enumerated() where star < foldedSets[id].count {
                foldedSets[id][star].insert(index)
            }
            return (id, indices)
        }

        // Each graph node's module-graph node (nil for parameters and constants), and the
        // indices of its scope.
        var placed: [(id: Int, indices: [Int])?] = Array(repeating: nil, count: graph.nodes.count)
        for graphNode in graph.nodes {
            switch graphNode.kind {
            case .input:
                let name = graphNode.outputs.first.flatMap { graph.values[$0].name } ?? "input"
                placed[graphNode.id] = node(for: name, typeName: "input", isInput: true)
            case .op:
                if let scope = graphNode.scope {
                    placed[graphNode.id] = node(for: scope.path, typeName: scope.typeName, isInput: false)
                } else {
                    placed[graphNode.id] = node(for: "<outside modules>", typeName: "", isInput: false)
                }
            case .parameter, .constant:
                continue
            }
        }
        var edges: [Edge] = []
        var seen = Set<[Int]>()
        for graphNode in graph.nodes where graphNode.isOp {
            guard let target = placed[graphNode.id] else { continue }
            for input in graphNode.inputs {
                let value = graph.values[input]
                guard let source = placed[value.producer], source.id != target.id || source.indices != target.indices else { continue }
                let nextRepeat = nodes[source.id].stack != nil && nodes[source.id].stack == nodes[target.id].stack
                    && source.indices.first != target.indices.first
                guard seen.insert([source.id, target.id, nextRepeat ? 1 : 0]).inserted else { continue }
                edges.append(Edge(from: source.id, to: target.id, shape: value.shape, nextRepeat: nextRepeat))
            }
        }
        for index in nodes.indices {
            nodes[index].foldedIndices = foldedSets[index].map { $0.sorted() }
            if let stack = nodes[index].stack, let outer = nodes[index].foldedIndices.first {
                stacks[stack].indices = Array(Set(stacks[stack].indices).union(outer)).sorted()
            }
        }
        self.nodes = nodes
        self.edges = edges
        self.stacks = stacks
    }

    /// The edges a picture draws: every edge, except that of the edges from one node into the
    /// next repeat of its stack only the first is kept (the others carry the same tensor to
    /// other modules of the next layer, which the folded layer already shows).
    public var pictureEdges: [Edge] {
        var sources = Set<Int>()
        return edges.filter { !$0.nextRepeat || sources.insert($0.from).inserted }
    }

    /// `0…11` for a contiguous run, else the indices joined by commas (`0,2,5`).
    public static func rangeText(_ indices: [Int]) -> String {
        guard let first = indices.first, let last = indices.last else { return "" }
        if indices.count == 1 { return String(first) }
        if last - first + 1 == indices.count { return "\(first)…\(last)" }
        return indices.map(String.init).joined(separator: ",")
    }
}
