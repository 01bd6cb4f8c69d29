extension ModuleGraph {
    /// The module graph as a compact Graphviz `digraph` (`trace --format dot --level module`): one
    /// box per module labelled with its path and class, one ellipse per input, each folded stack a
    /// cluster labelled `path.0…11 × 12` whose nodes are named relative to a layer; edges carry the
    /// tensor shape, and the edge into the next repeat of a stack (one per source, `pictureEdges`)
    /// is dashed and does not constrain the layout, so the picture is as tall as one layer.
    public var dot: String {
        var lines = [
            "digraph \"modules\" {",
            "  rankdir=TB; nodesep=0.15; ranksep=0.22;",
            "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10, height=0.3, margin=\"0.08,0.03\"];",
            "  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.6];",
        ]
        func statement(_ node: Node) -> String {
            var attributes = ["label=\"\(Graph.dotEscaped(label(of: node)))\""]
            if node.isInput { attributes.append("shape=ellipse") }
            return "n\(node.id) [" + attributes.joined(separator: ", ") + "];"
        }
        for node in nodes where node.stack == nil { lines.append("  " + statement(node)) }
        for (index, stack) in stacks.enumerated() {
            lines.append("  subgraph cluster_\(index) {")
            let typeName = stack.typeName.map { " (\($0))" } ?? ""
            lines.append("    label=\"\(Graph.dotEscaped(stack.label + typeName))\"; style=dashed; fontname=\"Helvetica\"; fontsize=11;")
            for node in nodes where node.stack == index { lines.append("    " + statement(node)) }
            lines.append("  }")
        }
        for edge in pictureEdges {
            var attributes = ["label=\"\(edge.shapeText)\""]
            if edge.nextRepeat { attributes = ["style=dashed", "constraint=false", "label=\"next layer\"", "color=\"#E69F00\"", "fontcolor=\"#8a5a00\""] }
            lines.append("  n\(edge.from) -> n\(edge.to) [" + attributes.joined(separator: ", ") + "];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A node's label: its path (relative to its stack's repeat inside a stack) and class.
    public func label(of node: Node) -> String {
        guard !node.isInput else { return node.path }
        var path = node.displayPath
        if let stack = node.stack {
            let prefix = stacks[stack].path + "."
            if path.hasPrefix(prefix) {
                let rest = path.dropFirst(prefix.count)
                path = rest.firstIndex(of: ".").map { String(rest[rest.index(after: $0)...]) } ?? "(\(stacks[stack].typeName ?? "layer") itself)"
            }
        }
        return node.typeName.isEmpty ? path : path + "\n" + node.typeName
    }
}
