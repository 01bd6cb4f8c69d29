import ArgumentParser
import Formats
import Foundation
import Models
import Profiler
import Tensor

/// Forward passes of one or more models on one batch under the `Profiler`, with a progress line on
/// standard error: what `bench` prints and `report --compare` draws.
enum ForwardProfiles {
    /// Checks `--repeat`, `--warmup` and `--compare` as the profiling commands take them.
    static func validate(repeatCount: Int, warmup: Int, compare: String?) throws {
        guard repeatCount >= 1 else { throw ValidationError("--repeat must be at least 1, got \(repeatCount)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be at least 0, got \(warmup)") }
        if let compare, compare.isEmpty { throw ValidationError("--compare needs a checkpoint folder") }
    }

    /// `models` profiled one after the other on `batch` (`source`: where the batch came from, named
    /// in an error): `warmup` untimed forwards, then `repeatCount` profiled ones, rows grouped `by`.
    static func measure(_ models: [(path: String, model: any TransformerModel)], batch: ModelInputs, source: String?,
                        warmup: Int, repeatCount: Int, by grouping: ProfileReport.Grouping) throws -> [ProfileReport] {
        let inputs = batch.entries.map { "\($0.name) \($0.tensor.shape.map(String.init).joined(separator: "x")) \($0.tensor.dtype.rawValue)" }
        let progress = ProgressLine(total: (warmup + repeatCount) * models.count)
        defer { progress.finish() }
        var reports: [ProfileReport] = []
        for (index, (path, model)) in models.enumerated() {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let profiler = Profiler(model: model)
            try CLIError.naming(batch: source) {
                try profiler.benchmark(warmup: warmup, repeat: repeatCount, progress: { step in
                    let done = step.phase == .warmup ? step.completed : step.completed - warmup
                    let phase = step.phase == .warmup ? "warm-up \(done)/\(warmup)" : "timed \(done)/\(repeatCount)"
                    progress.update(completed: index * (warmup + repeatCount) + step.completed, label: "\(name): \(phase)")
                }) {
                    _ = try model.forward(batch)
                }
            }
            var profile = profiler.report(by: grouping)
            profile.checkpoint = path
            profile.inputs = inputs
            reports.append(profile)
        }
        return reports
    }
}
