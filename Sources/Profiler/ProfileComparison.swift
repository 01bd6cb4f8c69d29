/// Two profiles of the same input side by side (a checkpoint before and after slimming): rows
/// matched by name (module path, module class or op), each with both times and the speedup, and
/// the two models' totals. Codable (snake_case keys), the JSON of
/// `slimtrace bench --compare OTHER --format json`.
public struct ProfileComparison: Codable, Sendable, Equatable {
    /// One model's totals.
    public struct Summary: Codable, Sendable, Equatable {
        public var model: String
        public var checkpoint: String?
        public var inputs: [String]
        /// Elements of the model's distinct parameters.
        public var parameters: Int
        /// Median wall time of one forward, in milliseconds.
        public var forwardMedianMilliseconds: Double
        /// FLOPs of one forward.
        public var flops: Double
        /// Effective GFLOP/s of the forward.
        public var gflopsPerSecond: Double?
        /// Median time outside ops, in milliseconds.
        public var betweenOpsMedianMilliseconds: Double

        public init(_ report: ProfileReport) {
            model = report.model
            checkpoint = report.checkpoint
            inputs = report.inputs
            parameters = report.parameters
            forwardMedianMilliseconds = report.forwardMedianMilliseconds
            flops = report.flops
            gflopsPerSecond = report.gflopsPerSecond
            betweenOpsMedianMilliseconds = report.betweenOps.medianMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case model, checkpoint, inputs, parameters, flops
            case forwardMedianMilliseconds = "forward_median_ms"
            case gflopsPerSecond = "gflop_per_s"
            case betweenOpsMedianMilliseconds = "between_ops_median_ms"
        }
    }

    /// One row's figures in one of the profiles.
    public struct Side: Codable, Sendable, Equatable {
        public var calls: Double
        public var flops: Double
        public var medianMilliseconds: Double
        public var share: Double
        public var parameters: Int?

        init(_ row: ProfileReport.Row) {
            calls = row.calls
            flops = row.flops
            medianMilliseconds = row.medianMilliseconds
            share = row.share
            parameters = row.parameters
        }

        enum CodingKeys: String, CodingKey {
            case calls, flops, share, parameters
            case medianMilliseconds = "median_ms"
        }
    }

    /// A row present in either profile.
    public struct Row: Codable, Sendable, Equatable {
        /// Module path, module class or op name (as in `ProfileReport.Row.name`).
        public var name: String
        /// The module's class (module rows).
        public var typeName: String?
        /// The row in the first profile, nil when only the second has it.
        public var before: Side?
        /// The row in the second profile, nil when only the first has it.
        public var after: Side?
        /// Before time / after time (nil when a side is missing or took no time).
        public var speedup: Double?

        enum CodingKeys: String, CodingKey {
            case name, before, after, speedup
            case typeName = "type"
        }
    }

    /// How the rows group the ops.
    public var grouping: ProfileReport.Grouping
    /// Warm-up and profiled forwards of each model.
    public var warmup: Int
    public var forwards: Int
    public var before: Summary
    public var after: Summary
    /// The matched rows: the first profile's order (slowest first), then rows only the second has.
    public var rows: [Row]
    /// Before / after forward median time.
    public var speedup: Double?
    /// After / before forward median time (0.8: the second model takes 80% of the time).
    public var timeRatio: Double?
    /// After / before parameter count.
    public var parameterRatio: Double?
    /// After / before FLOPs per forward.
    public var flopRatio: Double?

    /// Matches `before`'s and `after`'s rows by name; both must group the same way (`after`'s rows
    /// are regrouped by name only, so give reports of one grouping).
    public init(before: ProfileReport, after: ProfileReport) {
        grouping = before.grouping
        warmup = before.warmup
        forwards = before.forwards
        self.before = Summary(before)
        self.after = Summary(after)
        let afterRows = Dictionary(after.rows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let beforeNames = Set(before.rows.map(\.name))
        rows = before.rows.map { row in
            ProfileComparison.row(name: row.name, typeName: row.typeName, before: row, after: afterRows[row.name])
        } + after.rows.filter { !beforeNames.contains($0.name) }.map { row in
            ProfileComparison.row(name: row.name, typeName: row.typeName, before: nil, after: row)
        }
        speedup = ProfileComparison.ratio(before.forwardMedianMilliseconds, after.forwardMedianMilliseconds)
        timeRatio = ProfileComparison.ratio(after.forwardMedianMilliseconds, before.forwardMedianMilliseconds)
        parameterRatio = ProfileComparison.ratio(Double(after.parameters), Double(before.parameters))
        flopRatio = ProfileComparison.ratio(after.flops, before.flops)
    }

    enum CodingKeys: String, CodingKey {
        case warmup, forwards, before, after, rows, speedup
        case grouping = "by"
        case timeRatio = "time_ratio"
        case parameterRatio = "parameter_ratio"
        case flopRatio = "flop_ratio"
    }

    /// The row called `name`, if any.
    public func row(_ name: String) -> Row? {
        rows.first { $0.name == name }
    }

    private static func row(name: String, typeName: String?, before: ProfileReport.Row?, after: ProfileReport.Row?) -> Row {
        Row(name: name, typeName: typeName ?? after?.typeName, before: before.map(Side.init), after: after.map(Side.init),
            speedup: ratio(before?.medianMilliseconds, after?.medianMilliseconds))
    }

    /// `numerator / denominator`, nil when either is missing or the denominator is not positive.
    public static func ratio(_ numerator: Double?, _ denominator: Double?) -> Double? {
        guard let numerator, let denominator, denominator > 0 else { return nil }
        return numerator / denominator
    }
}
