extension HTMLReport {
    /// The widest drawings: attention heads and feed-forward bars, in pixels.
    static let headsWidth = 330.0, channelsWidth = 300.0

    /// The layer-by-layer diagram: per layer its attention heads (cells; key/value groups outlined)
    /// and feed-forward pairs (bars as wide as their channels), unsafe pairs hatched with their
    /// reason; with a comparison, what was removed hatched grey beside what was kept.
    var layerSection: Markup {
        let widest = layers.layers.flatMap(\.channelPairs).compactMap(\.channels).max() ?? 1
        let compared = comparison.map { Dictionary($0.models.layers.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first }) }
        var rows: [Markup] = [.tag("tr", [:], [
            .tag("th", text: "layer"), .tag("th", text: "attention heads"), .tag("th", text: "feed-forward channels"), .tag("th", text: "notes"),
        ])]
        for layer in layers.layers {
            let change = compared?[layer.path]
            var attention: [Markup] = []
            var notes: [Markup] = []
            for block in layer.attention {
                let heads = change?.heads.first { $0.name == block.name }
                attention.append(headCells(block, after: heads))
                attention.append(.tag("div", ["class": "small muted"], text: headCaption(block, after: heads)))
            }
            var channels: [Markup] = []
            for pair in layer.channelPairs {
                let after = change?.channels.first { $0.root == pair.root }
                channels.append(channelBar(pair, after: after, widest: widest))
                if !pair.safe {
                    notes.append(.tag("div", ["class": "unsafe-text"], text: "unsafe \(pair.root): \(pair.unsafeBecause ?? "a residual joins its channels")"))
                }
                if let experts = pair.experts { notes.append(.tag("div", [:], text: "\(experts) routed experts share \(pair.root)'s channels")) }
            }
            let name = layer.path.isEmpty ? "outside the layers" : layer.path
            rows.append(.tag("tr", ["data-layer": layer.path], [
                .tag("td", ["class": "mono"], text: name), .tag("td", [:], attention), .tag("td", [:], channels), .tag("td", [:], notes),
            ]))
        }
        return .tag("section", ["id": "layers"], [
            .tag("h2", text: "Layers"),
            legend,
            .tag("div", ["class": "scroll"], [.tag("table", ["class": "layers"], rows)]),
        ])
    }

    /// What the shapes and fills mean.
    var legend: Markup {
        func swatch(_ className: String, _ text: String) -> Markup {
            .tag("span", [:], [SVG.canvas(width: 26, height: 14, title: text, [SVG.rect(x: 1, y: 1, width: 24, height: 12, className: className)]), .text(text)])
        }
        var items: [Markup] = [
            .tag("span", [:], [SVG.canvas(width: 1, height: 1, title: "patterns", [ReportStyle.patternDefinitions], attributes: ["style": "position:absolute"])]),
            swatch("head", "attention head (one cell each)"),
            .tag("span", [:], [SVG.canvas(width: 30, height: 14, title: "key/value group", [SVG.rect(x: 1, y: 1, width: 12, height: 12, className: "head"),
                                                                                          SVG.rect(x: 14, y: 1, width: 12, height: 12, className: "head"),
                                                                                          SVG.rect(x: 0.5, y: 0.5, width: 26, height: 13, className: "kv-group")]),
                              .text("key/value group (grouped-query attention: query heads sharing one key/value head)")]),
            swatch("channels", "feed-forward channels, safe to slim"),
            swatch("unsafe", "unsafe finding (hatched; reason in notes)"),
        ]
        if comparison != nil { items.append(swatch("removed", "removed by the slim (cross-hatched, dashed)")) }
        return .tag("div", ["class": "legend"], items)
    }

    /// An attention block's heads as cells; key/value groups outlined when there are fewer
    /// key/value heads than query heads; heads the comparison's model lacks cross-hatched (where the
    /// slim recorded them, else after the kept ones).
    func headCells(_ block: LayerMap.Attention, after: ModelComparison.HeadChange?) -> Markup {
        var attributes = ["data-mha": block.name]
        if let heads = block.heads { attributes["data-heads"] = String(heads) }
        if let kvHeads = block.kvHeads { attributes["data-kv-heads"] = String(kvHeads) }
        if let heads = after?.headsAfter { attributes["data-heads-after"] = String(heads) }
        if let kvHeads = after?.kvHeadsAfter { attributes["data-kv-heads-after"] = String(kvHeads) }
        guard let heads = block.heads, heads > 0 else {
            return .tag("div", attributes, text: "heads not shown by the trace")
        }
        let kvHeads = block.kvHeads ?? heads
        let grouped = kvHeads < heads && kvHeads > 0 && heads % kvHeads == 0
        let groupSize = grouped ? heads / kvHeads : 1
        let gap = grouped ? 4.0 : 0.0
        let groupCount = grouped ? kvHeads : 1
        let cell = min(18, (HTMLReport.headsWidth - Double(groupCount - 1) * gap) / Double(heads))
        let kept = after?.headsAfter ?? heads
        let removed = Set(after?.removed ?? Array(kept..<max(heads, kept)))
        var shapes: [Markup] = []
        for head in 0..<heads {
            let group = head / groupSize
            let x = 2 + Double(head) * cell + (grouped ? Double(group) * gap : 0)
            shapes.append(SVG.rect(x: x, y: 2, width: max(cell - 1, 1), height: 14, className: removed.contains(head) ? "removed" : "head",
                                   title: "head \(head)" + (grouped ? ", key/value group \(group)" : "") + (removed.contains(head) ? ": removed" : "")))
        }
        if grouped {
            for group in 0..<kvHeads {
                let x = 1 + Double(group * groupSize) * cell + Double(group) * gap
                shapes.append(SVG.rect(x: x, y: 1, width: Double(groupSize) * cell + 1, height: 16, className: "kv-group"))
            }
        }
        let width = 4 + Double(heads) * cell + Double(groupCount - 1) * gap
        return .tag("div", attributes, [SVG.canvas(width: width, height: 18, title: headCaption(block, after: after), shapes)])
    }

    /// `12 heads × 64, 4 kv heads` (and `→ 8 heads, 2 kv heads` when compared).
    func headCaption(_ block: LayerMap.Attention, after: ModelComparison.HeadChange?) -> String {
        var text = "\(block.heads.map(String.init) ?? "?") heads"
        if let size = block.headSize { text += " × \(size)" }
        if let kv = block.kvHeads, kv != block.heads { text += ", \(kv) kv heads" }
        if block.fusedQKV { text += ", fused qkv" }
        if let after {
            let kept = after.headsAfter.map(String.init) ?? "?"
            text += " → kept \(kept)"
            if let before = after.headsBefore, let headsAfter = after.headsAfter { text += ", removed \(before - headsAfter)" }
            if let kv = after.kvHeadsAfter, kv != after.headsAfter { text += " (\(kv) kv heads)" }
        }
        return text
    }

    /// A feed-forward pair as a bar as wide as its channels (relative to the widest in the model);
    /// removed channels cross-hatched after the kept ones.
    func channelBar(_ pair: LayerMap.ChannelPair, after: ModelComparison.ChannelChange?, widest: Int) -> Markup {
        var attributes = ["data-root": pair.root, "data-safe": String(pair.safe)]
        if let channels = pair.channels { attributes["data-channels"] = String(channels) }
        if let channels = after?.after { attributes["data-channels-after"] = String(channels) }
        let channels = pair.channels ?? 0
        let scale = HTMLReport.channelsWidth / Double(max(widest, 1))
        let kept = after?.after ?? channels
        var caption = "\(pair.channels.map(String.init) ?? "?") channels"
        if let after { caption += " → kept \(after.after.map(String.init) ?? "?"), removed \(after.after.map { String(channels - $0) } ?? "?")" }
        let className = pair.safe ? "channels" : "unsafe"
        var shapes = [SVG.rect(x: 1, y: 2, width: Double(kept) * scale, height: 12, className: className, title: "\(pair.root): \(caption)")]
        if kept < channels {
            shapes.append(SVG.rect(x: 1 + Double(kept) * scale, y: 2, width: Double(channels - kept) * scale, height: 12, className: "removed",
                                   title: "\(channels - kept) channels removed"))
        }
        let short = pair.root.split(separator: ".").suffix(2).joined(separator: ".")
        return .tag("div", attributes, [
            SVG.canvas(width: HTMLReport.channelsWidth + 2, height: 16, title: "\(pair.root): \(caption)", shapes),
            .tag("div", ["class": "small muted"], text: "\(short): \(caption)" + (pair.safe ? "" : " — unsafe")),
        ])
    }
}
