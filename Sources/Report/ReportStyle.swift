/// The report's look: the Okabe–Ito palette (told apart by colour-blind readers) with a pattern
/// or outline for every meaning (told apart in greyscale and in print), and the style sheet.
enum ReportStyle {
    /// Okabe & Ito's colour-blind-safe colours.
    static let skyBlue = "#56B4E9", bluishGreen = "#009E73", vermillion = "#D55E00", orange = "#E69F00", blue = "#0072B2"

    /// The fill patterns: `unsafe` (vermillion, diagonal hatching) and `removed` (grey cross-hatching).
    static var patternDefinitions: Markup {
        func pattern(_ id: String, background: String, stroke: String, crossed: Bool) -> Markup {
            var lines: [Markup] = [.tag("rect", ["width": "6", "height": "6", "fill": background]),
                                   .tag("path", ["d": "M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5", "stroke": stroke, "stroke-width": "1.6"])]
            if crossed { lines.append(.tag("path", ["d": "M0,0 L6,6 M-1,5 L1,7 M5,-1 L7,1", "stroke": stroke, "stroke-width": "1.2"])) }
            return .tag("pattern", ["id": id, "width": "6", "height": "6", "patternUnits": "userSpaceOnUse"], lines)
        }
        return .tag("defs", [:], [
            pattern("st-unsafe", background: vermillion, stroke: "#ffffff", crossed: false),
            pattern("st-removed", background: "#ffffff", stroke: "#777777", crossed: true),
        ])
    }

    /// The style sheet (screen and print).
    static let css = """
    :root { color-scheme: light; }
    body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 24px auto; max-width: 1180px; padding: 0 16px; }
    h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; padding-bottom: 2px; }
    code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
    pre.command { background: #f4f4f4; border: 1px solid #ddd; padding: 8px; white-space: pre-wrap; word-break: break-all; }
    table { border-collapse: collapse; } th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid #e3e3e3; }
    th { background: #f4f4f4; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    table.glance th { width: 14em; background: none; font-weight: 600; }
    table.layers td { padding: 2px 6px; } table.layers tr { break-inside: avoid; }
    .unsafe-text { color: #9e3a00; font-weight: 600; } .safe-text { color: #00684c; }
    .legend { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; margin: 6px 0 10px; }
    .legend span { display: inline-flex; align-items: center; gap: 6px; }
    .head { fill: \(skyBlue); stroke: #1b4f72; stroke-width: 0.6; } .kv-group { fill: none; stroke: #111; stroke-width: 1.4; }
    .channels { fill: \(bluishGreen); stroke: #00523c; stroke-width: 0.8; } .unsafe { fill: url(#st-unsafe); stroke: #7a2e00; stroke-width: 1; }
    .removed { fill: url(#st-removed); stroke: #555; stroke-width: 0.8; stroke-dasharray: 2 1.5; }
    .before { fill: #bdbdbd; stroke: #555; stroke-width: 0.6; } .after { fill: \(blue); stroke: #003b5c; stroke-width: 0.6; }
    .node { fill: #fff; stroke: #333; stroke-width: 1; } .input-node { fill: #fff7d6; stroke: #333; stroke-width: 1; }
    .cluster { fill: #f3f8fc; stroke: \(blue); stroke-width: 1.2; stroke-dasharray: 5 3; }
    .edge { fill: none; stroke: #555; stroke-width: 1; } .repeat-edge { fill: none; stroke: \(orange); stroke-width: 1.6; stroke-dasharray: 5 3; }
    text.label { font: 11px system-ui, Helvetica, Arial, sans-serif; fill: #111; } text.small { font: 9px system-ui, Helvetica, Arial, sans-serif; fill: #444; }
    text.title { font: 600 12px system-ui, Helvetica, Arial, sans-serif; fill: #0b3d63; }
    table.findings td:first-child, table.layers th { white-space: nowrap; } table.layers td:first-child { white-space: nowrap; }
    .muted { color: #555; } .scroll { overflow-x: auto; }
    @media print { body { margin: 0; max-width: none; font-size: 11px; } h2 { break-after: avoid; } .scroll { overflow: visible; } section { break-inside: auto; } }
    """
}
