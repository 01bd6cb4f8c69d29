import Foundation

/// The GEMM backend the runtime's matrix products run on: chosen once per process by
/// `GEMMPolicy` (on first use, from the CPU's features, the linked OpenBLAS's kernel and the
/// environment), and overridable per task with `withBackend` (tests run each backend).
public enum GEMM {
    /// The process-wide choice, made the first time a GEMM runs (or this is read).
    public static var selection: GEMMSelection { GEMMSelection.process }

    @TaskLocal static var override: GEMMBackend?

    /// The backend a GEMM started now runs on: the task's override, else the process's choice.
    public static var active: GEMMBackend { override ?? selection.backend }

    /// Runs `body` with every GEMM it starts (on this task) on `backend`.
    public static func withBackend<R>(_ backend: GEMMBackend, _ body: () throws -> R) rethrows -> R {
        try $override.withValue(backend) { try body() }
    }

    /// Every backend this machine can run: the linked OpenBLAS, a private OpenBLAS instance for
    /// each other kernel the CPU supports (`OpenBLASCore.runnable`) that the library has, and
    /// oneDNN when installed. Loads them (once each). When the user chose OpenBLAS's kernel
    /// (`OPENBLAS_CORETYPE` set, often because other kernels misbehave on that CPU), no other
    /// OpenBLAS kernel is loaded.
    public static func availableBackends(features: CPUFeatures = .current,
                                         environment: [String: String] = ProcessInfo.processInfo.environment) -> [GEMMBackend] {
        let linked = GEMMBackend.linkedOpenBLAS
        let userChoseKernel = !(environment[GEMMPolicy.coreTypeVariable] ?? "").isEmpty
        let others = (userChoseKernel ? [] : OpenBLASCore.runnable(on: features))
            .filter { $0.lowercased() != linked.kernel.lowercased() }
            .compactMap { GEMMBackend.privateOpenBLAS(core: $0) }
        return [linked] + others + [GEMMBackend.oneDNN].compactMap { $0 }
    }
}

/// The process's GEMM choice and how it was made.
public struct GEMMSelection: Sendable {
    /// What the policy decided from the CPU and the environment.
    public let plan: GEMMPlan
    /// The backend that runs.
    public let backend: GEMMBackend
    /// What happened while carrying the plan out (a library that did not load, a timing duel).
    public let notes: [String]

    /// One line for reports: `openblas Cooperlake (OpenBLAS 0.3.21 (private instance)): reason; notes`.
    public var summary: String {
        "\(backend) (\(backend.origin)): " + ([plan.reason] + notes).joined(separator: "; ")
    }

    static let process = GEMMSelection(plan: GEMMPolicy.choose(features: .current, linkedCore: GEMMBackend.linkedOpenBLAS.kernel,
                                                               environment: ProcessInfo.processInfo.environment))

    /// Carries out `plan`: loads what it names, falling back to the linked OpenBLAS when a library
    /// does not load; lets oneDNN compete when the plan allows it.
    init(plan: GEMMPlan) {
        self.plan = plan
        var notes: [String] = []
        var backend = GEMMBackend.linkedOpenBLAS
        if let core = plan.openBLASCore {
            if let loaded = GEMMBackend.privateOpenBLAS(core: core) {
                backend = loaded
            } else {
                notes.append("a private OpenBLAS with \(core) did not load: the linked \(backend.kernel) runs")
            }
        }
        switch plan.library {
        case .onednn:
            if let oneDNN = GEMMBackend.oneDNN {
                backend = oneDNN
            } else {
                notes.append("oneDNN (libdnnl) is not installed: OpenBLAS runs")
            }
        case .openblas where plan.oneDNNMayCompete:
            if let oneDNN = GEMMBackend.oneDNN {
                let duel = GEMMDuel(oneDNN, against: backend)
                notes.append(duel.description)
                if duel.firstWins { backend = oneDNN }
            }
        case .openblas:
            break
        }
        self.backend = backend
        self.notes = notes
    }
}
