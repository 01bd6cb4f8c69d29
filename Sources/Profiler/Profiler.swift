import NN
import Tensor
import Tracer

/// Times forward passes of a module tree op by op and module by module, and counts their FLOPs.
///
/// ```swift
/// let profiler = Profiler(model: model)
/// for _ in 0..<10 { _ = try profiler.profile { try model(x) } }
/// print(profiler.report(by: .module).table())
/// ```
///
/// While `profile` runs its body, the profiler is the task's op recorder (`OpRecording`) and
/// module-call observer, like the `Tracer`, but it builds no graph. On the monotonic clock it
/// times:
/// - every outermost op: the time since the previous event (the previous op, or a module entry or
///   exit), so each op's time is what ran between the last thing the profiler saw and the op's
///   end; the op is attributed to the innermost module active (its `Scope`), or to no module;
/// - every module call, inclusive: from its entry to its exit;
/// - the whole forward.
///
/// It counts calls and FLOPs (`OpFLOPs`, from shapes). Per event it only reads the clock, looks up
/// the (module, op) pair and adds to counters; its own bookkeeping is taken off the clock before
/// the next interval starts, so it lands between ops, not in them. `read(_:of:)` returns the
/// parameter's tensor unchanged. Module paths are computed once, in `init`.
///
/// Each `profile` call is one sample; `report(by:)` gives per-forward medians over the samples.
/// A profiler profiles one forward at a time and is not thread-safe.
public final class Profiler: OpRecorder, ModuleCallObserver {
    /// Where an op ran and what it was: the unit the profiler accumulates.
    struct Site {
        /// Index in `scopes`, or `Profiler.outside` for an op outside every module.
        let scope: Int
        let op: Op
    }

    /// The scope index of ops that ran outside every module.
    static let outside = -1

    /// The model whose modules the profile names.
    public let model: Module
    /// One scope per module instance, `named_modules()` order (first path wins for a shared module).
    let scopes: [Scope]
    /// Elements of each scope's own parameters (not its children's).
    let scopeParameters: [Int]
    /// Elements of the model's distinct parameters (a tied parameter counts once).
    public let parameterCount: Int
    /// The model's modules, indexed once (like `scopes`).
    private let index: ModuleIndex

    // Accumulated over every profiled forward.
    /// Per scope (`scope + 1`; 0: outside every module), its ops' site indices: a module runs a
    /// handful of distinct ops, so a linear scan beats hashing the op name.
    private var siteLookup: [[(op: Op, index: Int)]]
    /// Every (module, op) pair seen, in first-seen order.
    private(set) var sites: [Site] = []
    /// Op runs per site, summed over the forwards.
    private(set) var siteCalls: [Int] = []
    /// FLOPs per site, summed over the forwards.
    private(set) var siteFLOPs: [Int] = []
    /// Calls per scope, summed over the forwards.
    private(set) var moduleCalls: [Int]
    /// Wall time of each profiled forward.
    private(set) var forwardNanoseconds: [UInt64] = []
    /// Per forward, the time of each site (indexed like `sites`; shorter when later forwards found new sites).
    private(set) var siteNanosecondsByForward: [[UInt64]] = []
    /// Per forward, the inclusive time of each scope (indexed like `scopes`).
    private(set) var moduleNanosecondsByForward: [[UInt64]] = []
    /// Forwards run untimed before the profiled ones (see `benchmark`).
    public internal(set) var warmupCount = 0

    // The forward in progress.
    private var profiling = false
    private var lastEvent: UInt64 = 0
    /// The modules entered and not yet left, outermost first: the scope their ops get, whether
    /// the module is in the tree (an unregistered one's ops go to its parent), and when it was entered.
    private var stack: [(module: ObjectIdentifier, scope: Int, registered: Bool, entered: UInt64)] = []
    // Counted during the forward in progress, added to the totals when it returns.
    private var forwardSiteNanoseconds: [UInt64] = []
    private var forwardSiteCalls: [Int] = []
    private var forwardSiteFLOPs: [Int] = []
    private var forwardModuleCalls: [Int]
    private var forwardModuleNanoseconds: [UInt64]

    /// Output ids to hand back to `OpRecording` (nothing is traced): shared arrays of -1 by count.
    private static let noIDs: [[Int]] = (0...8).map { [Int](repeating: -1, count: $0) }

    /// A profiler for `model`: maps every module to its dotted path once (PyTorch's
    /// `named_modules()`, first path wins for a shared module).
    public init(model: Module) {
        self.model = model
        index = ModuleIndex(model)
        scopes = index.scopes
        scopeParameters = index.modules.map { $0.module.parameters.reduce(0) { $0 + Shape.elementCount($1.parameter.shape) } }
        parameterCount = model.uniqueParameters().reduce(0) { $0 + Shape.elementCount($1.parameter.shape) }
        moduleCalls = [Int](repeating: 0, count: scopes.count)
        siteLookup = [[(op: Op, index: Int)]](repeating: [], count: scopes.count + 1)
        forwardModuleCalls = moduleCalls
        forwardModuleNanoseconds = [UInt64](repeating: 0, count: scopes.count)
    }

    /// Forwards profiled so far.
    public var forwardCount: Int { forwardNanoseconds.count }

    /// Runs `forward` once under the profiler and returns what it returned; the forward becomes
    /// one sample of the report. Throws `ProfilerError.alreadyProfiling` when called from inside
    /// another `profile` of the same profiler; when `forward` throws, its error is rethrown and the
    /// forward is not counted.
    public func profile<R>(_ forward: () throws -> R) throws -> R {
        guard !profiling else { throw ProfilerError.alreadyProfiling }
        profiling = true
        defer { profiling = false }
        stack.removeAll(keepingCapacity: true)
        zero(&forwardSiteNanoseconds)
        zero(&forwardSiteCalls)
        zero(&forwardSiteFLOPs)
        zero(&forwardModuleCalls)
        zero(&forwardModuleNanoseconds)

        let start = MonotonicClock.nanoseconds()
        lastEvent = start
        // A forward that throws is not a sample: its counts are never added.
        let output = try OpRecording.withRecorder(self) { try forward() }
        let end = MonotonicClock.nanoseconds()
        forwardNanoseconds.append(end &- start)
        siteNanosecondsByForward.append(forwardSiteNanoseconds)
        moduleNanosecondsByForward.append(forwardModuleNanoseconds)
        for index in forwardSiteCalls.indices {
            siteCalls[index] += forwardSiteCalls[index]
            siteFLOPs[index] += forwardSiteFLOPs[index]
        }
        for index in forwardModuleCalls.indices { moduleCalls[index] += forwardModuleCalls[index] }
        return output
    }

    private func zero<T: FixedWidthInteger>(_ values: inout [T]) {
        for index in values.indices { values[index] = 0 }
    }

    /// Forgets every sample (the module map stays).
    public func reset() {
        siteLookup = [[(op: Op, index: Int)]](repeating: [], count: scopes.count + 1)
        sites = []
        siteCalls = []
        siteFLOPs = []
        moduleCalls = [Int](repeating: 0, count: scopes.count)
        forwardSiteNanoseconds = []
        forwardSiteCalls = []
        forwardSiteFLOPs = []
        forwardNanoseconds = []
        siteNanosecondsByForward = []
        moduleNanosecondsByForward = []
        warmupCount = 0
    }

    // MARK: OpRecorder

    public func record(op: Op, inputs: [Tensor], outputs: [Tensor], attributes: [String: OpAttribute]) -> [Int] {
        let now = MonotonicClock.nanoseconds()
        let scope = stack.last?.scope ?? Profiler.outside
        var index = -1
        for entry in siteLookup[scope + 1] where entry.op == op {
            index = entry.index
            break
        }
        if index < 0 {
            index = sites.count
            siteLookup[scope + 1].append((op, index))
            sites.append(Site(scope: scope, op: op))
            siteCalls.append(0)
            siteFLOPs.append(0)
            forwardSiteNanoseconds.append(0)
            forwardSiteCalls.append(0)
            forwardSiteFLOPs.append(0)
        }
        forwardSiteNanoseconds[index] &+= now &- lastEvent
        forwardSiteCalls[index] += 1
        forwardSiteFLOPs[index] += OpFLOPs.count(op: op, inputs: inputs, outputs: outputs, attributes: attributes)
        let ids = outputs.count < Profiler.noIDs.count ? Profiler.noIDs[outputs.count] : [Int](repeating: -1, count: outputs.count)
        lastEvent = MonotonicClock.nanoseconds()
        return ids
    }

    // MARK: ModuleCallObserver

    public func enter(_ module: Module) {
        let now = MonotonicClock.nanoseconds()
        if let index = index.position(of: module) {
            forwardModuleCalls[index] += 1
            stack.append((ObjectIdentifier(module), index, true, now))
        } else {
            stack.append((ObjectIdentifier(module), stack.last?.scope ?? Profiler.outside, false, now))
        }
        lastEvent = MonotonicClock.nanoseconds()
    }

    public func exit(_ module: Module) {
        let now = MonotonicClock.nanoseconds()
        // Balanced by `Module.scoped`; tolerate a stray exit by unwinding to the matching entry.
        if let position = stack.lastIndex(where: { $0.module == ObjectIdentifier(module) }) {
            let entry = stack[position]
            if entry.registered { forwardModuleNanoseconds[entry.scope] &+= now &- entry.entered }
            stack.removeSubrange(position...)
        }
        lastEvent = MonotonicClock.nanoseconds()
    }

    /// Returns `parameter.tensor` unchanged (the profiler traces no values).
    public func read(_ parameter: Parameter, of module: Module) -> Tensor {
        parameter.tensor
    }
}
