/// What one call of a workload does, to turn a time into a rate.
public enum Work: Sendable {
    /// Floating-point operations per call (a GEMM: `2·M·N·K`); rate in GFLOP/s.
    case flops(Double)
    /// Bytes read plus bytes written per call; rate in GB/s (10⁹ bytes).
    case bytes(Double)

    /// The rate for one call taking `seconds`, in GFLOP/s or GB/s.
    public func rate(seconds: Double) -> Double {
        switch self {
        case .flops(let f): f / seconds / 1e9
        case .bytes(let b): b / seconds / 1e9
        }
    }

    public var unit: String {
        switch self {
        case .flops: "GFLOP/s"
        case .bytes: "GB/s"
        }
    }
}

/// One operation at one shape, ready to call repeatedly (inputs built once, up front).
public struct Workload: @unchecked Sendable {
    /// Short name: `linear`, `sgemm`, `softmax`, `memcpy`...
    public let name: String
    /// The shape it runs on, as printed in the table.
    public let shape: String
    public let work: Work
    /// One call; the result is kept alive until the call returns.
    public let call: () throws -> Void

    public init(name: String, shape: String, work: Work, call: @escaping () throws -> Void) {
        self.name = name
        self.shape = shape
        self.work = work
        self.call = call
    }
}

/// The goal an op has against its baseline.
public enum Goal: Sendable {
    /// The op's GFLOP/s is at least this fraction of the baseline's (linear vs sgemm: 0.9).
    case throughputAtLeast(fractionOfBaseline: Double)
    /// The op's time is at most this many times the baseline's (elementwise vs memcpy: 3).
    case timeAtMost(timesBaseline: Double)

    /// The ratio this goal is judged on, from the two median times.
    public func ratio(opSeconds: Double, baselineSeconds: Double) -> Double {
        switch self {
        case .throughputAtLeast: baselineSeconds / opSeconds // op rate ÷ baseline rate (same work)
        case .timeAtMost: opSeconds / baselineSeconds
        }
    }

    public func isMet(ratio: Double) -> Bool {
        switch self {
        case .throughputAtLeast(let fraction): ratio >= fraction
        case .timeAtMost(let times): ratio <= times
        }
    }

    /// Whether the ratio compares times (printed with ×) rather than throughputs.
    public var isTimeRatio: Bool {
        if case .timeAtMost = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .throughputAtLeast(let fraction): "op/sgemm ≥ \(fraction)"
        case .timeAtMost(let times): "op/memcpy time ≤ \(Int(times))×"
        }
    }
}

/// An op and its bare baseline on the same shape, with the goal between them.
public struct Comparison: Sendable {
    public let op: Workload
    public let baseline: Workload
    public let goal: Goal
}

/// A model's forward pass three ways, measured together: untraced (the throughput figure), traced
/// (the tracer's overhead against untraced) and one bare GEMM (the process's backend) at the model's largest
/// linear shape (the throughput the forward is judged against).
public struct ModelComparison: Sendable {
    public let model: ModelForward
    public let forward: Workload
    public let tracedForward: Workload
    public let sgemm: Workload
}
