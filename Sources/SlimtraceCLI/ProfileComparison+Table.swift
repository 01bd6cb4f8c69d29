import Profiler

/// The comparison as text for a terminal: both models' headlines, one row per matched module /
/// class / op (before's slowest first) with parameters (module and class rows), GFLOP and median
/// ms of both and the speedup, the time between ops, a total line, and the ratios.
extension ProfileComparison {
    public func table() -> String {
        var lines = ["before: " + ProfileComparison.headline(before), "after:  " + ProfileComparison.headline(after)]
        lines.append("\(forwards) timed forward\(forwards == 1 ? "" : "s") after \(warmup) warm-up each;"
            + " per forward: GFLOP, median ms; speedup = before ms / after ms")
        let first = grouping.columnTitle
        let hasType = grouping == .module
        let hasParameters = grouping != .op
        var header = [first]
        if hasType { header.append("type") }
        if hasParameters { header += ["params before", "params after"] }
        header += ["GFLOP before", "GFLOP after", "ms before", "ms after", "speedup"]

        func cells(name: String, typeName: String?, parameters: (String, String), flops: (String, String),
                   milliseconds: (String, String), speedup: String) -> [String] {
            var row = [name]
            if hasType { row.append(typeName ?? "") }
            if hasParameters { row += [parameters.0, parameters.1] }
            return row + [flops.0, flops.1, milliseconds.0, milliseconds.1, speedup]
        }
        func side<T>(_ side: Side?, _ value: (Side) -> T?, _ format: (T) -> String) -> String {
            side.flatMap(value).map(format) ?? "-"
        }

        var table = [header]
        for row in rows {
            table.append(cells(
                name: TextTable.displayName(row.name), typeName: row.typeName,
                parameters: (side(row.before, \.parameters, TextTable.grouped), side(row.after, \.parameters, TextTable.grouped)),
                flops: (side(row.before, \.flops, TextTable.gflop), side(row.after, \.flops, TextTable.gflop)),
                milliseconds: (side(row.before, \.medianMilliseconds, TextTable.milliseconds),
                               side(row.after, \.medianMilliseconds, TextTable.milliseconds)),
                speedup: TextTable.times(row.speedup)))
        }
        table.append(cells(
            name: "<between ops>", typeName: nil, parameters: ("", ""), flops: ("", ""),
            milliseconds: (TextTable.milliseconds(before.betweenOpsMedianMilliseconds), TextTable.milliseconds(after.betweenOpsMedianMilliseconds)),
            speedup: TextTable.times(ProfileComparison.ratio(before.betweenOpsMedianMilliseconds, after.betweenOpsMedianMilliseconds))))
        table.append(cells(
            name: "total (forward)", typeName: nil,
            parameters: (TextTable.grouped(before.parameters), TextTable.grouped(after.parameters)),
            flops: (TextTable.gflop(before.flops), TextTable.gflop(after.flops)),
            milliseconds: (TextTable.milliseconds(before.forwardMedianMilliseconds), TextTable.milliseconds(after.forwardMedianMilliseconds)),
            speedup: TextTable.times(speedup)))
        let rightAligned = Set(1..<header.count).subtracting(hasType ? [1] : [])
        lines += TextTable.aligned(table, rightAligned: rightAligned)

        func ratio(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
        lines.append("parameters \(TextTable.grouped(before.parameters)) -> \(TextTable.grouped(after.parameters)) (ratio \(ratio(parameterRatio)));"
            + " GFLOP \(TextTable.gflop(before.flops)) -> \(TextTable.gflop(after.flops)) (ratio \(ratio(flopRatio)));"
            + " forward \(TextTable.milliseconds(before.forwardMedianMilliseconds)) ms -> \(TextTable.milliseconds(after.forwardMedianMilliseconds)) ms"
            + " (time ratio \(ratio(timeRatio)), speedup \(TextTable.times(speedup)))")
        return lines.joined(separator: "\n")
    }

    /// `Model (checkpoint), input_ids 1x128 int64, 1,234 parameters`.
    static func headline(_ summary: Summary) -> String {
        var text = summary.model
        if let checkpoint = summary.checkpoint { text += " (\(checkpoint))" }
        if !summary.inputs.isEmpty { text += ", " + summary.inputs.joined(separator: ", ") }
        return text + ", \(TextTable.grouped(summary.parameters)) parameters"
    }
}
