/// Where a `Profiler.benchmark` run is, for a progress display.
public struct BenchmarkProgress: Sendable, Equatable {
    /// What the forward just finished was.
    public enum Phase: String, Sendable {
        /// An untimed forward (caches, allocator and thread pool warmed up).
        case warmup
        /// A profiled forward (one sample of the report).
        case timed
    }

    public let phase: Phase
    /// Forwards finished so far, warm-up ones included.
    public let completed: Int
    /// Forwards the benchmark runs in all (warm-up + timed).
    public let total: Int
}

extension Profiler {
    /// Runs `forward` `warmup` times untimed (no recorder installed), then `repeat` times under
    /// `profile`, calling `progress` after each forward. The samples add to those already taken;
    /// read them with `report(by:)`.
    ///
    /// Throws `ProfilerError.invalidCount` for `repeat` < 1 or `warmup` < 0 (before running
    /// anything) and whatever `forward` throws.
    public func benchmark(warmup: Int, repeat repeatCount: Int,
                          progress: (BenchmarkProgress) -> Void = { _ in },
                          _ forward: () throws -> Void) throws {
        guard warmup >= 0 else { throw ProfilerError.invalidCount(argument: "warmup", value: warmup) }
        guard repeatCount >= 1 else { throw ProfilerError.invalidCount(argument: "repeat", value: repeatCount) }
        let total = warmup + repeatCount
        for index in 0..<warmup {
            try forward()
            warmupCount += 1
            progress(BenchmarkProgress(phase: .warmup, completed: index + 1, total: total))
        }
        for index in 0..<repeatCount {
            try profile(forward)
            progress(BenchmarkProgress(phase: .timed, completed: warmup + index + 1, total: total))
        }
    }
}
