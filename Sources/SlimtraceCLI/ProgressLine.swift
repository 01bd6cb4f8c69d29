import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error, rewritten in place with `\r` (never on standard
/// output, so a report piped from standard output stays clean):
/// `[#########-----------] 9/24 bert: timed 7/10`.
///
/// It is drawn only when standard error is a terminal: a log file gets nothing (no `\r`).
/// `finish()` blanks the line, so the report starts on a clean line. Updates that would draw the
/// same line are skipped.
final class ProgressLine {
    private let total: Int
    private let width = 20
    private var shownWidth = 0
    private var lastLine = ""
    private var finished = false
    private let isTerminal = isatty(STDERR_FILENO) == 1

    /// A bar for `total` steps (nothing is drawn until the first `update`).
    init(total: Int) {
        self.total = max(total, 1)
    }

    /// Draws the bar at `completed` of the total steps, followed by `label`.
    func update(completed: Int, label: String) {
        guard isTerminal, !finished else { return }
        let filled = min(width, completed * width / total)
        let line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
            + " \(completed)/\(total) \(label)"
        guard line != lastLine else { return }
        lastLine = line
        let padding = String(repeating: " ", count: max(shownWidth - line.count, 0))
        shownWidth = line.count
        write("\r" + line + padding)
    }

    /// Ends the bar (only once; nothing when it never drew).
    func finish() {
        guard !finished else { return }
        finished = true
        guard shownWidth > 0 else { return }
        write("\r" + String(repeating: " ", count: shownWidth) + "\r")
    }

    private func write(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
