import Tensor

extension Graph {
    /// The graph as a Graphviz `digraph`: each module that ran ops is a `subgraph cluster_N`
    /// labelled with its dotted path and class, nested by path (`a.b` inside `a`; the root module's
    /// ops are at the top level); each node is labelled with its op (and name, for inputs and
    /// parameters) and output shapes; edges follow values from producer to user. Inputs,
    /// parameters and constants are ellipses, ops boxes, graph outputs doubled.
    public var dot: String {
        // Clusters: every scope path of a node and all its dotted prefixes (each a module path).
        let moduleRank = Dictionary(modules.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
        var typeNames = Dictionary(modules.map { ($0.path, $0.typeName) }, uniquingKeysWith: { first, _ in first })
        var clusterNodes: [String: [Int]] = [:]
        var children: [String: [String]] = [:]
        var firstSeen: [String: Int] = [:]
        func ensureCluster(_ path: String) {
            guard !path.isEmpty, firstSeen[path] == nil else { return }
            firstSeen[path] = firstSeen.count
            let parent = path.lastIndex(of: ".").map { String(path[..<$0]) } ?? ""
            ensureCluster(parent)
            children[parent, default: []].append(path)
        }
        for node in nodes {
            let path = node.scope?.path ?? ""
            if let scope = node.scope, typeNames[scope.path] == nil { typeNames[scope.path] = scope.typeName }
            ensureCluster(path)
            clusterNodes[path, default: []].append(node.id)
        }
        let outputSet = Set(outputs)

        var lines = ["digraph \"graph\" {", "  rankdir=TB;", "  node [shape=box, fontname=\"Helvetica\"];"]
        var clusterCount = 0
        func emit(_ path: String, indent: String) {
            for id in clusterNodes[path] ?? [] { lines.append(indent + dotNode(nodes[id], outputs: outputSet)) }
            let ordered = (children[path] ?? []).sorted {
                (moduleRank[$0] ?? Int.max, firstSeen[$0]!) < (moduleRank[$1] ?? Int.max, firstSeen[$1]!)
            }
            for child in ordered {
                let label = typeNames[child].map { "\(child) (\($0))" } ?? child
                lines.append(indent + "subgraph cluster_\(clusterCount) {")
                clusterCount += 1
                lines.append(indent + "  label=\"\(Graph.dotEscaped(label))\";")
                emit(child, indent: indent + "  ")
                lines.append(indent + "}")
            }
        }
        emit("", indent: "  ")
        for node in nodes {
            var seen = Set<Int>()
            for input in node.inputs where seen.insert(input).inserted {
                lines.append("  n\(values[input].producer) -> n\(node.id);")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One node statement: `n3 [label="linear\n[1, 64]"];`.
    private func dotNode(_ node: Node, outputs: Set<Int>) -> String {
        var label = node.kind.name
        if !node.isOp, let name = node.outputs.first.flatMap({ values[$0].name }) { label += " " + name }
        for id in node.outputs { label += "\n" + Shape.describe(values[id].shape) }
        var attributes = ["label=\"\(Graph.dotEscaped(label))\""]
        if !node.isOp { attributes.append("shape=ellipse") }
        if node.outputs.contains(where: outputs.contains) { attributes.append("peripheries=2") }
        return "n\(node.id) [" + attributes.joined(separator: ", ") + "];"
    }

    /// `text` as the inside of a DOT quoted string: backslashes and quotes escaped, newlines as `\n`.
    static func dotEscaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": break
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
