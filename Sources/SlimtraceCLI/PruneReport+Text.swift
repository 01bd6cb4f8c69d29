import Foundation
import Prune

extension PruneReport {
    /// The report for reading: the summary, one line per pruned pair, the pairs left alone, timing.
    func text() -> String {
        var lines = [summary]
        for plan in plans {
            lines.append("  \(plan.root): \(plan.channels - plan.removed.count)/\(plan.channels) channels kept")
        }
        lines += skipped.map { "  skipped \($0)" }
        lines.append(String(format: "calibration %.1f s (%d windows, %d tokens), total %.1f s; written to %@",
                            calibrationSeconds, samples, tokens, totalSeconds, output))
        return lines.joined(separator: "\n") + "\n"
    }
}
