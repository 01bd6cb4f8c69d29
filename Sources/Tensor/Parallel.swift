import CKernels
import Dispatch
import Foundation

/// Splits work across the machine's cores when it is large enough to pay for the threads.
///
/// The work is cut into chunks that the calling thread and the helpers claim from a shared counter;
/// the caller starts at once and never waits for a helper that has not started (a helper that
/// arrives late finds no chunk left and returns). So a kernel is never slower than on one thread
/// by more than the cost of queueing the helpers, however busy the other cores are (another
/// process, or OpenBLAS's threads spinning after a GEMM).
enum Parallel {
    /// Threads a kernel may use: `SLIMTRACE_KERNEL_THREADS` when set to a positive number (1 keeps
    /// every elementwise kernel on the calling thread), else the cores available to this process.
    /// OpenBLAS's GEMMs use their own threads (`OPENBLAS_NUM_THREADS`).
    static let coreCount: Int = {
        if let text = ProcessInfo.processInfo.environment["SLIMTRACE_KERNEL_THREADS"], let threads = Int(text), threads > 0 {
            return threads
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Below this much work (in units of one f32 element copied, about 0.1 ns; see `forRows`) a
    /// kernel runs on the calling thread: about 80 µs, ten times the cost of waking a helper. (On a
    /// small VM a woken helper often shares the caller's core for a while, so shorter work does
    /// not gain; a gelu over [128, 3072] is above it.)
    static let minimumParallelWork = 1024 * 1024

    /// Work per chunk, in the same units: about 4 µs, small enough that a helper starting late
    /// still takes a fair share and that the last chunks finish together.
    static let chunkWork = 48 * 1024

    /// Runs `body(range)` over `0..<count` rows: in chunks across cores when `count * costPerRow`
    /// is large, else in one call on this thread. `costPerRow` is a row's work relative to copying
    /// one f32 element (an elementwise kernel over single elements: 1 for add, about 4 for gelu).
    /// The ranges are disjoint and cover `0..<count`; `body` may run on several threads at once.
    static func forRows(_ count: Int, costPerRow: Int, _ body: @escaping (Range<Int>) -> Void) {
        let total = count * max(costPerRow, 1)
        guard coreCount > 1, count > 1, total >= minimumParallelWork else {
            if count > 0 { body(0..<count) }
            return
        }
        let chunks = min(count, max(2 * coreCount, total / chunkWork))
        let job = ParallelJob(count: count, chunks: chunks, body: body)
        for _ in 1..<min(coreCount, chunks) {
            DispatchQueue.global().async { job.run() }
        }
        job.run()
        job.waitUntilDone()
    }
}

/// One `forRows` call: the chunks, the counters the threads claim and report them by, and the body.
/// Shared with helper threads that may outlive the call (they then find no chunk and return), so
/// it is a class; the counters are plain memory updated only through the C atomics.
private final class ParallelJob: @unchecked Sendable {
    let count: Int
    let chunks: Int
    let body: (Range<Int>) -> Void
    /// `counters[0]`: the next chunk to claim; `counters[1]`: chunks finished.
    private let counters: UnsafeMutablePointer<Int>

    init(count: Int, chunks: Int, body: @escaping (Range<Int>) -> Void) {
        self.count = count
        self.chunks = chunks
        self.body = body
        counters = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        counters.initialize(repeating: 0, count: 2)
    }

    deinit { counters.deallocate() }

    /// Claims and runs chunks until none is left.
    func run() {
        while true {
            let chunk = ck_atomic_fetch_add(counters, 1)
            guard chunk < chunks else { return }
            body((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
            _ = ck_atomic_fetch_add(counters + 1, 1)
        }
    }

    /// Waits for the chunks other threads claimed and are still running (never for a thread that
    /// has not started: every chunk is claimed by now).
    func waitUntilDone() {
        var spins = 0
        while ck_atomic_load(counters + 1) < chunks {
            spins += 1
            if spins > 64 { sched_yield() }
        }
    }
}
