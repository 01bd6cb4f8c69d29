import Profiler

/// The report as text for a terminal: a headline (model, checkpoint, inputs, forwards), one row per
/// module / class / op slowest first, the time between ops, and a total line.
///
/// ```
/// BertForSequenceClassification (Tests/Fixtures/models/bert), input_ids 1x128 i64
/// 10 timed forwards after 2 warm-up; per forward: calls, GFLOP, median ms; share of the total time
/// module                               type               calls   params    GFLOP     ms  GFLOP/s   share
/// bert.encoder.layer.1.attention.self  BertSelfAttention      1        0  0.00433  0.571     7.58   34.1%
/// bert.encoder.layer.0.output.dense    Linear                 1    8,256  0.00210  0.023     92.0    1.5%
/// ...
/// <between ops>                                                                    0.074             6.8%
/// total (forward)                                                168,323   0.0256  1.675     15.3  100.0%
/// forward: median 1.675 ms (min 1.421, max 1.927); 0.0256 GFLOP at 15.3 GFLOP/s; 168,323 parameters
/// ```
extension ProfileReport {
    public func table() -> String {
        var lines = [headline]
        lines.append("\(forwards) timed forward\(forwards == 1 ? "" : "s") after \(warmup) warm-up;"
            + " per forward: calls, GFLOP, median ms; share of the total time")
        let first = grouping.columnTitle
        let hasType = grouping == .module
        let hasParameters = grouping != .op
        var header = [first]
        if hasType { header.append("type") }
        header.append("calls")
        if hasParameters { header.append("params") }
        header += ["GFLOP", "ms", "GFLOP/s", "share"]

        func cells(name: String, typeName: String?, calls: String, parameters: String, flops: String,
                   milliseconds: String, rate: String, share: String) -> [String] {
            var row = [name]
            if hasType { row.append(typeName ?? "") }
            row.append(calls)
            if hasParameters { row.append(parameters) }
            return row + [flops, milliseconds, rate, share]
        }

        var table = [header]
        for row in rows {
            table.append(cells(
                name: TextTable.displayName(row.name), typeName: row.typeName, calls: TextTable.count(row.calls),
                parameters: row.parameters.map(TextTable.grouped) ?? "", flops: TextTable.gflop(row.flops),
                milliseconds: TextTable.milliseconds(row.medianMilliseconds),
                rate: row.gflopsPerSecond.map { TextTable.significant($0) } ?? "-", share: TextTable.percent(row.share)))
        }
        table.append(cells(
            name: "<between ops>", typeName: nil, calls: "", parameters: "", flops: "",
            milliseconds: TextTable.milliseconds(betweenOps.medianMilliseconds), rate: "",
            share: TextTable.percent(betweenOps.share)))
        table.append(cells(
            name: "total (forward)", typeName: nil, calls: "", parameters: TextTable.grouped(parameters),
            flops: TextTable.gflop(flops), milliseconds: TextTable.milliseconds(forwardMedianMilliseconds),
            rate: gflopsPerSecond.map { TextTable.significant($0) } ?? "-", share: TextTable.percent(1)))
        let rightAligned = Set(1..<header.count).subtracting(hasType ? [1] : [])
        lines += TextTable.aligned(table, rightAligned: rightAligned)
        lines.append("forward: median \(TextTable.milliseconds(forwardMedianMilliseconds)) ms"
            + " (min \(TextTable.milliseconds(forwardMinMilliseconds)), max \(TextTable.milliseconds(forwardMaxMilliseconds)));"
            + " \(TextTable.gflop(flops)) GFLOP at \(gflopsPerSecond.map { TextTable.significant($0) } ?? "-") GFLOP/s;"
            + " \(TextTable.grouped(parameters)) parameters")
        return lines.joined(separator: "\n")
    }

    /// `Model (checkpoint), input_ids 1x128 int64`.
    var headline: String {
        var text = model
        if let checkpoint { text += " (\(checkpoint))" }
        if !inputs.isEmpty { text += ", " + inputs.joined(separator: ", ") }
        return text
    }
}
