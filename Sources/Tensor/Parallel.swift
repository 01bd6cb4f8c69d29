import Dispatch
import Foundation

/// Splits work across the machine's cores when it is large enough to pay for the threads.
enum Parallel {
    /// Cores available to this process.
    static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Below this many elements of work a kernel runs on the calling thread.
    static let minimumElementsPerTask = 32_768

    /// Runs `body(range)` over `0..<count` rows, in chunks across cores when
    /// `count * costPerRow` is large, else in one call on this thread.
    @inline(__always)
    static func forRows(_ count: Int, costPerRow: Int, _ body: (Range<Int>) -> Void) {
        let total = count * max(costPerRow, 1)
        let tasks = min(coreCount, count, max(1, total / minimumElementsPerTask))
        if tasks <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let start = count * task / tasks
                let end = count * (task + 1) / tasks
                if start < end { work.value(start..<end) }
            }
        }
    }
}

/// Carries a kernel's row closure into `concurrentPerform`: each task touches only its own rows
/// of the output, so the closure is safe to share although the compiler cannot prove it.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
