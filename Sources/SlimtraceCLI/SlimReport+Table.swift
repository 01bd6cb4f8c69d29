import Foundation
import Slim

/// The report as text for a terminal: one row per change (layer, what, before → after, which
/// were removed, parameters and FLOPs saved), optionally each tensor's shape before and after,
/// the findings left alone, and a total line.
extension SlimReport {
    public func table(showTensors: Bool = true) -> String {
        var lines = ["slim \(model)" + (source.map { " from \($0)" } ?? "") + " (round \(round)\(uniform ? ", uniform" : ""), verification input \(inputShape))"]
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
                             TextTable.grouped(change.parametersRemoved), TextTable.grouped(change.flopsSaved)])
            }
            lines += TextTable.aligned(rows, rightAligned: [2, 3, 5, 6])
            if showTensors {
                lines.append("")
                var tensorRows = [["tensor", "before", "after"]]
                for change in changes {
                    for tensor in change.tensors {
                        tensorRows.append([tensor.name, SlimReport.shape(tensor.before), SlimReport.shape(tensor.after)])
                    }
                }
                lines += TextTable.aligned(tensorRows, rightAligned: [1, 2])
            }
        }
        if !skipped.isEmpty {
            lines.append("")
            lines.append("left alone:")
            for finding in skipped {
                lines.append("  \(finding.kind.rawValue) \(finding.modules.joined(separator: ", ")): \(finding.reason)")
            }
        }
        if !notes.isEmpty { lines += [""] + notes }
        lines.append("")
        let percent = parametersBefore > 0 ? Double(parametersRemoved) / Double(parametersBefore) * 100 : 0
        lines.append("parameters \(TextTable.grouped(parametersBefore)) -> \(TextTable.grouped(parametersAfter))"
            + " (\(TextTable.grouped(parametersRemoved)) removed, \(String(format: "%.1f", percent))%);"
            + " FLOPs saved on the verification input \(TextTable.grouped(flopsSaved));"
            + " max abs diff \(maxAbsDiff) (allowed \(tolerance))")
        if let output { lines.append("wrote \(output)") }
        if let huggingFace { lines.append(huggingFace.runtimes(uniform: uniform)) }
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


    static func shape(_ dimensions: [Int]) -> String {
        "[" + dimensions.map(String.init).joined(separator: ", ") + "]"
    }

}
