import Tracer

extension ModuleGraph {
    /// The module graph drawn as inline SVG with a simple layered layout (no Graphviz at run time):
    /// ranks (`layerRanks`) stacked top to bottom and centred; a folded stack's nodes are boxed together under its label
    /// (`bert.encoder.layer.0…11 × 12`); the edge into the next repeat is a dashed arc on the right.
    var svg: Markup {
        let rankGap = 26.0, nodeHeight = 30.0, nodeGap = 12.0, margin = 16.0, characterWidth = 6.2
        let rank = layerRanks()
        let labels = nodes.map { label(of: $0).split(separator: "\n").map(String.init) }
        let widths = labels.map { lines in Double(lines.map(\.count).max() ?? 1) * characterWidth + 16 }
        let rankCount = (rank.max() ?? 0) + 1
        var byRank = Array(repeating: [Int](), count: rankCount)
        for node in nodes { byRank[rank[node.id]].append(node.id) }
        for index in byRank.indices {
            byRank[index].sort { (nodes[$0].stack ?? -1, $0) < (nodes[$1].stack ?? -1, $1) }
        }
        let rowWidths = byRank.map { ids in ids.reduce(0) { $0 + widths[$1] } + Double(max(ids.count - 1, 0)) * nodeGap }
        let stackHeader = stacks.isEmpty ? 0.0 : 22.0
        let contentWidth = max(rowWidths.max() ?? 0, 200)
        var x = Array(repeating: 0.0, count: nodes.count), y = Array(repeating: 0.0, count: nodes.count)
        // Ranks where a stack starts get room for its label above.
        var firstRankOfStack: [Int: Int] = [:]
        for node in nodes { if let stack = node.stack { firstRankOfStack[stack] = min(firstRankOfStack[stack] ?? Int.max, rank[node.id]) } }
        let labelRanks = Set(firstRankOfStack.values)
        var top = margin
        for (index, ids) in byRank.enumerated() {
            if labelRanks.contains(index) { top += stackHeader }
            var left = margin + (contentWidth - rowWidths[index]) / 2
            for id in ids {
                x[id] = left
                y[id] = top
                left += widths[id] + nodeGap
            }
            top += nodeHeight + rankGap
        }
        let width = contentWidth + 2 * margin + 80
        let height = top - rankGap + margin

        var clusters: [Markup] = []
        for (index, stack) in stacks.enumerated() {
            let members = nodes.filter { $0.stack == index }.map(\.id)
            guard let minX = members.map({ x[$0] }).min(), let minY = members.map({ y[$0] }).min(),
                  let maxX = members.map({ x[$0] + widths[$0] }).max(), let maxY = members.map({ y[$0] + nodeHeight }).max() else { continue }
            let title = stack.label + (stack.typeName.map { " (\($0))" } ?? "")
            clusters.append(SVG.rect(x: minX - 8, y: minY - stackHeader - 4, width: maxX - minX + 16, height: maxY - minY + stackHeader + 12,
                                     className: "cluster", title: title, radius: 6))
            clusters.append(SVG.text(title, x: minX - 2, y: minY - 9, className: "title"))
        }
        var lines: [Markup] = []
        var repeatLabel: Markup?
        for edge in pictureEdges {
            let fromX = x[edge.from] + widths[edge.from] / 2, fromY = y[edge.from] + nodeHeight
            let toX = x[edge.to] + widths[edge.to] / 2, toY = y[edge.to]
            if edge.nextRepeat || edge.from >= edge.to {
                let startX = x[edge.from] + widths[edge.from], endX = x[edge.to] + widths[edge.to]
                let laneX = max(startX, endX) + (edge.nextRepeat ? 70 : 36)
                let d = "M\(SVG.number(startX)),\(SVG.number(fromY - nodeHeight / 2)) C\(SVG.number(laneX)),\(SVG.number(fromY)) \(SVG.number(laneX)),\(SVG.number(toY)) \(SVG.number(endX)),\(SVG.number(toY + nodeHeight / 2))"
                if edge.nextRepeat, repeatLabel == nil {
                    // The curve's midpoint: (P0 + 3·P1 + 3·P2 + P3) / 8.
                    repeatLabel = SVG.text("next layer", x: (startX + 6 * laneX + endX) / 8 + 4, y: (fromY + toY) / 2, className: "small")
                }
                lines.append(.tag("path", ["d": d, "class": edge.nextRepeat ? "repeat-edge" : "edge", "marker-end": "url(#st-arrow)"],
                                  [.tag("title", text: (edge.nextRepeat ? "into the next layer: " : "") + edge.shapeText)]))
            } else {
                let middle = (fromY + toY) / 2
                let d = "M\(SVG.number(fromX)),\(SVG.number(fromY)) C\(SVG.number(fromX)),\(SVG.number(middle)) \(SVG.number(toX)),\(SVG.number(middle)) \(SVG.number(toX)),\(SVG.number(toY - 1))"
                lines.append(.tag("path", ["d": d, "class": "edge", "marker-end": "url(#st-arrow)"], [.tag("title", text: edge.shapeText)]))
            }
        }
        if let repeatLabel { lines.append(repeatLabel) }
        var boxes: [Markup] = []
        for node in nodes {
            var group: [Markup] = [SVG.rect(x: x[node.id], y: y[node.id], width: widths[node.id], height: nodeHeight,
                                            className: node.isInput ? "input-node" : "node", title: node.displayPath, radius: node.isInput ? 14 : 4)]
            let lineCount = Double(labels[node.id].count)
            for (index, line) in labels[node.id].enumerated() {
                let baseline = y[node.id] + nodeHeight / 2 + (Double(index) - (lineCount - 1) / 2) * 11 + 4
                group.append(SVG.text(line, x: x[node.id] + widths[node.id] / 2, y: baseline, anchor: "middle", className: index == 0 ? "label" : "small"))
            }
            boxes.append(.tag("g", ["data-module": node.displayPath], group))
        }
        let arrow = Markup.tag("defs", [:], [.tag("marker", ["id": "st-arrow", "viewBox": "0 0 8 8", "refX": "7", "refY": "4", "markerWidth": "7", "markerHeight": "7", "orient": "auto"],
                                                [.tag("path", ["d": "M0,0 L8,4 L0,8 z", "fill": "#555"])])])
        let title = "Module graph: \(nodes.count) modules" + stacks.map { ", \($0.label)" }.joined()
        return SVG.canvas(width: width, height: height, title: title, [arrow] + clusters + lines + boxes, attributes: ["class": "module-graph"])
    }
}

extension ModuleGraph {
    /// Each node's row in the picture: its longest path from an input along forward edges (in
    /// first-run order), with every folded stack on rows of its own: below every node that ran
    /// before it, above every node that ran after it (so a stack's box holds only its nodes).
    func layerRanks() -> [Int] {
        var rank = Array(repeating: 0, count: nodes.count)
        let spans = stacks.indices.map { stack in
            let members = nodes.filter { $0.stack == stack }.map(\.id)
            return (first: members.min() ?? 0, last: members.max() ?? 0)
        }
        var changed = true
        func raise(_ node: Int, to value: Int) {
            if rank[node] < value { rank[node] = value; changed = true }
        }
        while changed {
            changed = false
            for edge in edges where !edge.nextRepeat && edge.from < edge.to { raise(edge.to, to: rank[edge.from] + 1) }
            for (stack, span) in spans.enumerated() {
                let before = nodes.filter { $0.stack == nil && $0.id < span.first }.map { rank[$0.id] }.max() ?? -1
                for node in nodes where node.stack == stack { raise(node.id, to: before + 1) }
                let bottom = nodes.filter { $0.stack == stack }.map { rank[$0.id] }.max() ?? 0
                for node in nodes where node.stack == nil && node.id > span.last { raise(node.id, to: bottom + 1) }
            }
        }
        return rank
    }
}
