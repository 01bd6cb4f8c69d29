import Profiler

extension HTMLReport {
    /// Rows of the profile drawn as bars (the slowest; the rest are summed in one row).
    static let benchRows = 14

    /// Parameters and FLOPs before and after, and the two forward profiles side by side.
    func comparisonSections(_ comparison: Comparison) -> [Markup] {
        let models = comparison.models
        func row(_ name: String, _ before: Int, _ after: Int) -> Markup {
            let ratio = before > 0 ? NumberText.percent(Double(before - after) / Double(before)) : "–"
            return .tag("tr", ["data-quantity": name], [
                .tag("th", text: name), .tag("td", ["class": "num", "data-before": String(before)], text: NumberText.grouped(before)),
                .tag("td", ["class": "num", "data-after": String(after)], text: NumberText.grouped(after)),
                .tag("td", ["class": "num"], text: NumberText.grouped(before - after)), .tag("td", ["class": "num"], text: ratio),
            ])
        }
        let removedHeads = models.layers.flatMap(\.heads).reduce(0) { $0 + (($1.headsBefore ?? 0) - ($1.headsAfter ?? $1.headsBefore ?? 0)) }
        let removedChannels = models.layers.flatMap(\.channels).reduce(0) { $0 + (($1.before ?? 0) - ($1.after ?? $1.before ?? 0)) }
        var sections: [Markup] = [.tag("section", ["id": "compare"], [
            .tag("h2", text: "Compared with the slimmed model"),
            .tag("p", [:], [.text("Second model: "), .tag("code", text: models.other),
                           .text(". \(removedHeads) attention heads and \(NumberText.grouped(removedChannels)) feed-forward channels removed in all; the layer diagram above shows them per layer.")]),
            .tag("table", [:], [
                .tag("tr", [:], ["", "before", "after", "removed", "share removed"].map { .tag("th", ["class": "num"], text: $0) }),
                row("parameters", models.parametersBefore, models.parametersAfter),
                row("FLOPs per forward", models.flopsBefore.total, models.flopsAfter.total),
                row("linear FLOPs per forward", models.flopsBefore.linear, models.flopsAfter.linear),
            ]),
            .tag("p", ["class": "muted"], text: "FLOPs are counted from the traced shapes (a multiply-add is two), on the inputs listed at the top; linear FLOPs are the projections' (what slim's flops_saved counts)."),
        ])]
        var bench: [Markup] = [.tag("h2", text: "Forward time, before and after")]
        if let profile = comparison.bench {
            bench.append(benchBars(profile))
        } else {
            bench.append(.tag("p", ["class": "muted"], text: comparison.benchNote ?? "Not profiled."))
        }
        sections.append(.tag("section", ["id": "bench"], bench))
        return sections
    }

    /// The profile comparison as paired bars per row (before grey, after blue), slowest first.
    func benchBars(_ profile: ProfileComparison) -> Markup {
        let shown = Array(profile.rows.prefix(HTMLReport.benchRows))
        let rest = profile.rows.dropFirst(HTMLReport.benchRows)
        let longest = max(profile.rows.map { max($0.before?.medianMilliseconds ?? 0, $0.after?.medianMilliseconds ?? 0) }.max() ?? 0, 1e-9)
        let barWidth = 360.0
        func bars(_ before: Double?, _ after: Double?, title: String) -> Markup {
            SVG.canvas(width: barWidth + 4, height: 24, title: title, [
                SVG.rect(x: 1, y: 1, width: (before ?? 0) / longest * barWidth, height: 10, className: "before", title: "before"),
                SVG.rect(x: 1, y: 13, width: (after ?? 0) / longest * barWidth, height: 10, className: "after", title: "after"),
            ])
        }
        func milliseconds(_ value: Double?) -> String { value.map { NumberText.fixed($0, decimals: 3) + " ms" } ?? "–" }
        var rows: [Markup] = [.tag("tr", [:], [profile.grouping.columnTitle, "median time (grey: before, blue: after)", "before", "after", "speedup"].map { .tag("th", text: $0) })]
        for row in shown {
            let before = row.before?.medianMilliseconds, after = row.after?.medianMilliseconds
            rows.append(.tag("tr", ["data-bench-row": row.name], [
                .tag("td", ["class": "mono"], text: row.name), .tag("td", [:], [bars(before, after, title: "\(row.name): \(milliseconds(before)) → \(milliseconds(after))")]),
                .tag("td", ["class": "num"], text: milliseconds(before)), .tag("td", ["class": "num"], text: milliseconds(after)),
                .tag("td", ["class": "num"], text: row.speedup.map { NumberText.fixed($0, decimals: 2) + "×" } ?? "–"),
            ]))
        }
        if !rest.isEmpty {
            let before = rest.reduce(0) { $0 + ($1.before?.medianMilliseconds ?? 0) }, after = rest.reduce(0) { $0 + ($1.after?.medianMilliseconds ?? 0) }
            rows.append(.tag("tr", [:], [
                .tag("td", text: "\(rest.count) more rows"), .tag("td", [:], [bars(before, after, title: "the other rows")]),
                .tag("td", ["class": "num"], text: milliseconds(before)), .tag("td", ["class": "num"], text: milliseconds(after)), .tag("td", text: ""),
            ]))
        }
        let total = "Whole forward: \(milliseconds(profile.before.forwardMedianMilliseconds)) → \(milliseconds(profile.after.forwardMedianMilliseconds))"
            + (profile.speedup.map { " (\(NumberText.fixed($0, decimals: 2))× faster)" } ?? "")
            + "; median of \(profile.forwards) forwards after \(profile.warmup) warm-up, on \(profile.before.inputs.joined(separator: ", "))."
        return .tag("div", [:], [.tag("p", [:], text: total), .tag("div", ["class": "scroll"], [.tag("table", [:], rows)])])
    }
}
