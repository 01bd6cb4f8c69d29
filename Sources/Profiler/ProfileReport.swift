/// Where a model's forward time goes: the `Profiler`'s samples summarised per module, per module
/// class or per op (`Profiler.report(by:)`). Codable (snake_case keys), the JSON of
/// `slimtrace bench --format json`.
///
/// Every figure is per forward: counts and FLOPs are averages over the profiled forwards (the same
/// every time for a model without data-dependent control flow), times are medians over them. A
/// row's `share` is its time summed over all profiled forwards divided by the forwards' wall
/// time, so the rows' shares and `betweenOps.share` add up to 1.
public struct ProfileReport: Codable, Sendable, Equatable {
    /// How ops are grouped into rows.
    public enum Grouping: String, Codable, Sendable, CaseIterable {
        /// One row per module that ran ops itself (its *self* time: ops of its children go to
        /// their rows), by dotted path: a Linear's GEMM in the Linear's row, attention's score and
        /// context matmuls and softmax in the self-attention module's row.
        case module
        /// One row per module class (`Linear`, `BertSelfAttention`, ...): the `module` rows summed.
        case type
        /// One row per op name (`linear`, `matmul`, `softmax`, ...), wherever it ran.
        case op

        /// The title of the first column of a table grouped this way.
        public var columnTitle: String {
            switch self {
            case .module: "module"
            case .type: "module class"
            case .op: "op"
            }
        }
    }

    /// One row of the report.
    public struct Row: Codable, Sendable, Equatable {
        /// The module's dotted path (`""` for the root; `ProfileReport.outsideModules` for ops
        /// that ran outside every module), the module class or the op name.
        public var name: String
        /// The module's class (module rows only).
        public var typeName: String?
        /// Module rows: calls of the module per forward (ops outside modules: op runs); type rows:
        /// calls of modules of the class; op rows: runs of the op.
        public var calls: Double
        /// Ops run per forward in the row.
        public var ops: Double
        /// FLOPs per forward (`OpFLOPs`).
        public var flops: Double
        /// Median over the forwards of the row's time in one forward, in milliseconds.
        public var medianMilliseconds: Double
        /// `flops` / `medianMilliseconds`, in GFLOP/s (nil when no time was measured).
        public var gflopsPerSecond: Double?
        /// The row's fraction of the profiled forwards' total wall time.
        public var share: Double
        /// Module rows: median inclusive time of the module's calls in one forward (its children included).
        public var inclusiveMedianMilliseconds: Double?
        /// Module rows: elements of the module's own parameters; type rows: of all its modules'.
        public var parameters: Int?

        public init(name: String, typeName: String? = nil, calls: Double, ops: Double, flops: Double,
                    medianMilliseconds: Double, share: Double,
                    inclusiveMedianMilliseconds: Double? = nil, parameters: Int? = nil) {
            self.name = name
            self.typeName = typeName
            self.calls = calls
            self.ops = ops
            self.flops = flops
            self.medianMilliseconds = medianMilliseconds
            self.gflopsPerSecond = ProfileReport.gflopsPerSecond(flops: flops, milliseconds: medianMilliseconds)
            self.share = share
            self.inclusiveMedianMilliseconds = inclusiveMedianMilliseconds
            self.parameters = parameters
        }

        enum CodingKeys: String, CodingKey {
            case name, calls, ops, flops, share, parameters
            case typeName = "type"
            case medianMilliseconds = "median_ms"
            case gflopsPerSecond = "gflop_per_s"
            case inclusiveMedianMilliseconds = "inclusive_median_ms"
        }
    }

    /// Time the profiler saw no op run in: module entries and exits, the Swift code between ops
    /// and the profiler's own bookkeeping.
    public struct Remainder: Codable, Sendable, Equatable {
        /// Median over the forwards, in milliseconds.
        public var medianMilliseconds: Double
        /// Fraction of the profiled forwards' total wall time.
        public var share: Double

        enum CodingKeys: String, CodingKey {
            case share
            case medianMilliseconds = "median_ms"
        }
    }

    /// The name of the module row of ops that ran outside every module.
    public static let outsideModules = "<outside modules>"

    /// The model's class (`BertForSequenceClassification`).
    public var model: String
    /// Where the model came from (a checkpoint folder), when the caller says.
    public var checkpoint: String?
    /// The inputs of the forward, as the caller describes them (`input_ids 1x128 int64`).
    public var inputs: [String]
    /// Elements of the model's distinct parameters.
    public var parameters: Int
    /// How the rows group the ops.
    public var grouping: Grouping
    /// Untimed forwards run before the profiled ones.
    public var warmup: Int
    /// Profiled forwards (the samples).
    public var forwards: Int
    /// Median wall time of one forward, in milliseconds.
    public var forwardMedianMilliseconds: Double
    /// Fastest and slowest profiled forward, in milliseconds.
    public var forwardMinMilliseconds: Double
    public var forwardMaxMilliseconds: Double
    /// FLOPs of one forward (every op's).
    public var flops: Double
    /// `flops` / `forwardMedianMilliseconds`, in GFLOP/s: the effective rate of the whole forward.
    public var gflopsPerSecond: Double?
    /// The rows, slowest first (by median time, then share, then name).
    public var rows: [Row]
    /// Time spent outside ops.
    public var betweenOps: Remainder

    public init(model: String, checkpoint: String? = nil, inputs: [String] = [], parameters: Int,
                grouping: Grouping, warmup: Int, forwards: Int,
                forwardMedianMilliseconds: Double, forwardMinMilliseconds: Double, forwardMaxMilliseconds: Double,
                flops: Double, rows: [Row], betweenOps: Remainder) {
        self.model = model
        self.checkpoint = checkpoint
        self.inputs = inputs
        self.parameters = parameters
        self.grouping = grouping
        self.warmup = warmup
        self.forwards = forwards
        self.forwardMedianMilliseconds = forwardMedianMilliseconds
        self.forwardMinMilliseconds = forwardMinMilliseconds
        self.forwardMaxMilliseconds = forwardMaxMilliseconds
        self.flops = flops
        self.gflopsPerSecond = ProfileReport.gflopsPerSecond(flops: flops, milliseconds: forwardMedianMilliseconds)
        self.rows = rows
        self.betweenOps = betweenOps
    }

    enum CodingKeys: String, CodingKey {
        case model, checkpoint, inputs, parameters, warmup, forwards, flops, rows
        case grouping = "by"
        case forwardMedianMilliseconds = "forward_median_ms"
        case forwardMinMilliseconds = "forward_min_ms"
        case forwardMaxMilliseconds = "forward_max_ms"
        case gflopsPerSecond = "gflop_per_s"
        case betweenOps = "between_ops"
    }

    /// The row called `name`, if any.
    public func row(_ name: String) -> Row? {
        rows.first { $0.name == name }
    }

    /// GFLOP/s of `flops` in `milliseconds`; nil for no time.
    static func gflopsPerSecond(flops: Double, milliseconds: Double) -> Double? {
        milliseconds > 0 ? flops / (milliseconds * 1e6) : nil
    }
}
