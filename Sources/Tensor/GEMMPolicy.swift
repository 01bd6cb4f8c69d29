/// The GEMM libraries slimtrace can run its matrix products on.
public enum GEMMLibrary: String, Sendable, CaseIterable, Codable {
    /// OpenBLAS (linked; the portable baseline), possibly as a second, private instance that runs a
    /// better kernel than the linked one chose.
    case openblas
    /// oneDNN's `dnnl_sgemm`, loaded at run time when `libdnnl` is installed.
    case onednn
}

/// What slimtrace decides to run GEMMs on, before loading anything: the outcome of `GEMMPolicy.choose`.
public struct GEMMPlan: Sendable, Equatable {
    /// The library to use (for `.onednn`: when it loads; else OpenBLAS as `openBLASCore` says).
    public var library: GEMMLibrary
    /// The OpenBLAS kernel to load a private instance with; nil keeps the linked instance as it is.
    public var openBLASCore: String?
    /// Whether oneDNN, when present, is timed against the OpenBLAS choice and used if measurably faster.
    public var oneDNNMayCompete: Bool
    /// Why, in one sentence (shown by `slimtrace bench`).
    public var reason: String
}

/// The rule that picks the GEMM library and kernel:
/// 1. `SLIMTRACE_GEMM=openblas|onednn` wins (OpenBLAS then still obeys `OPENBLAS_CORETYPE`);
/// 2. else a user-set `OPENBLAS_CORETYPE` is obeyed: OpenBLAS, as linked, with that kernel;
/// 3. else automatic: OpenBLAS with the best kernel for the CPU (a private instance when the
///    linked one chose a lesser kernel), and oneDNN instead when it is present and faster.
public enum GEMMPolicy {
    /// The environment variable that names a library (`openblas`, `onednn`).
    public static let libraryVariable = "SLIMTRACE_GEMM"
    /// OpenBLAS's own kernel override, read by OpenBLAS when it loads.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"

    /// The plan for a CPU with `features` whose linked OpenBLAS runs `linkedCore`, given the
    /// process environment (only `SLIMTRACE_GEMM` and `OPENBLAS_CORETYPE` are read). Pure.
    public static func choose(features: CPUFeatures, linkedCore: String, environment: [String: String]) -> GEMMPlan {
        let userCore = environment[coreTypeVariable].flatMap { $0.isEmpty ? nil : $0 }
        var notes: [String] = []
        if let requested = environment[libraryVariable], !requested.isEmpty {
            switch GEMMLibrary(rawValue: requested.lowercased()) {
            case .onednn:
                return GEMMPlan(library: .onednn, openBLASCore: nil, oneDNNMayCompete: false, reason: "\(libraryVariable)=\(requested)")
            case .openblas:
                var plan = openBLASPlan(features: features, linkedCore: linkedCore, userCore: userCore)
                plan.reason = "\(libraryVariable)=\(requested); " + plan.reason
                return plan
            case nil:
                notes.append("\(libraryVariable)=\(requested) is not one of \(GEMMLibrary.allCases.map(\.rawValue).joined(separator: ", ")), ignored")
            }
        }
        var plan = openBLASPlan(features: features, linkedCore: linkedCore, userCore: userCore)
        plan.oneDNNMayCompete = userCore == nil
        plan.reason = (notes + [plan.reason]).joined(separator: "; ")
        return plan
    }

    /// OpenBLAS with the user's kernel when one is set, else with the best kernel for the CPU.
    static func openBLASPlan(features: CPUFeatures, linkedCore: String, userCore: String?) -> GEMMPlan {
        if let userCore {
            return GEMMPlan(library: .openblas, openBLASCore: nil, oneDNNMayCompete: false,
                            reason: "\(coreTypeVariable)=\(userCore) set by the user: obeyed")
        }
        let best = OpenBLASCore.best(for: features)
        guard OpenBLASCore.level(of: linkedCore) < OpenBLASCore.level(of: best) else {
            return GEMMPlan(library: .openblas, openBLASCore: nil, oneDNNMayCompete: false,
                            reason: "OpenBLAS chose \(linkedCore), the best kernel for this CPU (\(features))")
        }
        return GEMMPlan(library: .openblas, openBLASCore: best, oneDNNMayCompete: false,
                        reason: "OpenBLAS chose \(linkedCore); this CPU (\(features)) runs \(best)")
    }
}
