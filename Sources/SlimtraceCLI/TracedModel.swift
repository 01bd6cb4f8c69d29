import Formats
import Models
import Tracer

/// MODEL loaded and traced for a command. The one place a command loads a checkpoint to trace it
/// (tensors the model does not use are named in a warning on standard error), makes its batches
/// (`InputOptions`: the placeholder, every batch of `--inputs`, or the texts' token batches) and
/// traces the first batch that runs, as INC walks its dataloader.
struct TracedModel {
    /// The model as loaded (real or meta).
    let loaded: LoadedModel
    /// The graph of the traced forward pass.
    let graph: Graph
    /// The batch that was traced.
    let inputs: ModelInputs
    /// The wall-clock seconds the trace took.
    let seconds: Double

    /// The model.
    var model: any TransformerModel { loaded.model }

    /// Loads `checkpoint` in `mode` (a note on standard error when `.auto` goes meta) and traces
    /// the first batch of `input` that runs; when none runs, the first batch's error is thrown,
    /// naming its file and line when it came from `--inputs` (or its texts).
    init(_ checkpoint: ModelArguments, input: InputOptions, mode: LoadMode) throws {
        loaded = try checkpoint.load(mode)
        if let reason = loaded.metaReason, mode == .auto {
            Slimtrace.writeToStandardError("note: tracing shapes only (no weight read): \(reason)")
        }
        let model = loaded.model
        let candidates = try input.batches(for: loaded)
        let traced = try CLIError.naming(batch: candidates.first?.source) {
            try model.traceFirstThatRuns(candidates.map(\.inputs))
        }
        graph = traced.graph
        inputs = candidates[traced.batch].inputs
        seconds = traced.seconds
    }
}
