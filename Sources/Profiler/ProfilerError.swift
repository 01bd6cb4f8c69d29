import Foundation

/// Why a `Profiler` could not profile a forward pass.
public enum ProfilerError: LocalizedError, Equatable {
    /// `profile` was called from inside another `profile` of the same profiler.
    case alreadyProfiling
    /// `benchmark` was asked for `repeat` < 1 or `warmup` < 0 forwards; names the argument.
    case invalidCount(argument: String, value: Int)

    public var errorDescription: String? {
        switch self {
        case .alreadyProfiling:
            "the profiler is already profiling a forward pass; profile one forward at a time"
        case let .invalidCount(argument, value):
            "\(argument) must be at least \(argument == "repeat" ? 1 : 0), got \(value)"
        }
    }
}
