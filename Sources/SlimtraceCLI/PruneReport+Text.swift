import Foundation
import Prune

extension PruneReport {
    /// The report for reading: the summary, one line per pruned pair and attention block, what was left alone, timing.
    func text() -> String {
        var lines = [summary]
        for plan in plans {
            lines.append("  \(plan.root): \(plan.channels - plan.removed.count)/\(plan.channels) channels kept")
        }
        for plan in headPlans {
            lines.append("  \(plan.output): \(plan.heads - plan.removedHeads.count)/\(plan.heads) heads kept "
                         + "(removed key/value group(s) \(plan.removedGroups.map(String.init).joined(separator: ", ")) of \(plan.keyValueHeads))")
        }
        lines += skipped.map { "  skipped \($0)" }
        lines.append(String(format: "calibration %.1f s (%d windows, %d tokens), total %.1f s; written to %@",
                            calibrationSeconds, samples, tokens, totalSeconds, output))
        return lines.joined(separator: "\n") + "\n"
    }
}
