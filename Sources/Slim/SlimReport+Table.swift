import Foundation

/// The report as text for a terminal: one row per change (layer, what, before → after, which
/// were removed, parameters and FLOPs saved), optionally each tensor's shape before and after,
/// the findings left alone, and a total line.
extension SlimReport {
    public func table(showTensors: Bool = true) -> String {
        var lines = ["slim \(model)" + (source.map { " from \($0)" } ?? "") + " (round \(round), verification input \(inputShape))"]
        if changes.isEmpty {
            lines.append(summary)
        } else {
            var rows = [["layer", "change", "before", "after", "removed", "params removed", "FLOPs saved"]]
            for change in changes {
                let unit = change.kind == .channels ? "channels" : "heads"
                var removed = SlimReport.ranges(change.removed, limit: 40)
                if change.kind == .channels { removed = "\(change.removed.count): " + removed }
                if let kv = change.removedKeyValueHeads { removed += " (kv \(SlimReport.ranges(kv, limit: 40)))" }
                rows.append([change.layer, unit, String(change.before), String(change.after), removed,
                             SlimReport.grouped(change.parametersRemoved), SlimReport.grouped(change.flopsSaved)])
            }
            lines += SlimReport.aligned(rows, rightAligned: [2, 3, 5, 6])
            if showTensors {
                lines.append("")
                var tensorRows = [["tensor", "before", "after"]]
                for change in changes {
                    for tensor in change.tensors {
                        tensorRows.append([tensor.name, SlimReport.shape(tensor.before), SlimReport.shape(tensor.after)])
                    }
                }
                lines += SlimReport.aligned(tensorRows, rightAligned: [1, 2])
            }
        }
        if !skipped.isEmpty {
            lines.append("")
            lines.append("left alone:")
            for finding in skipped {
                lines.append("  \(finding.kind.rawValue) \(finding.modules.joined(separator: ", ")): \(finding.reason)")
            }
        }
        lines.append("")
        let percent = parametersBefore > 0 ? Double(parametersRemoved) / Double(parametersBefore) * 100 : 0
        lines.append("parameters \(SlimReport.grouped(parametersBefore)) -> \(SlimReport.grouped(parametersAfter))"
            + " (\(SlimReport.grouped(parametersRemoved)) removed, \(String(format: "%.1f", percent))%);"
            + " FLOPs saved on the verification input \(SlimReport.grouped(flopsSaved));"
            + " max abs diff \(maxAbsDiff) (allowed \(tolerance))")
        if let output { lines.append("wrote \(output)") }
        return lines.joined(separator: "\n")
    }

    /// `[0, 1, 2, 5, 7, 8]` as `0-2, 5, 7-8`, cut with `…` after about `limit` characters.
    static func ranges(_ values: [Int], limit: Int = .max) -> String {
        var parts: [String] = []
        var index = 0
        while index < values.count {
            var end = index
            while end + 1 < values.count && values[end + 1] == values[end] + 1 { end += 1 }
            parts.append(end == index ? "\(values[index])" : "\(values[index])-\(values[end])")
            index = end + 1
            if index < values.count && parts.joined(separator: ", ").count >= limit { return parts.joined(separator: ", ") + ", …" }
        }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    static func shape(_ dimensions: [Int]) -> String {
        "[" + dimensions.map(String.init).joined(separator: ", ") + "]"
    }

    /// Rows padded into columns (two spaces apart), the `rightAligned` columns flush right.
    static func aligned(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            .joined(separator: "  ")
            .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }
}
