import Foundation
import Formats
import Tensor
import Tracer

/// Tracing a model on its inputs: the one place a `ModelInputs` batch is re-wrapped with the
/// tracer's stamped tensors and fed to `forward`.
extension TransformerModel {
    /// The graph of one forward pass on `inputs`, which are checked against the model first.
    public func trace(_ inputs: ModelInputs) throws -> Graph {
        try trace(inputs, with: Tracer(model: self)).graph
    }

    /// The output and the graph of one forward pass on `inputs`, recorded by `tracer` (a tracer of
    /// this model; it keeps what it records beside the graph, e.g. its `constants`).
    public func trace(_ inputs: ModelInputs, with tracer: Tracer) throws -> (output: Tensor, graph: Graph) {
        try validate(inputs)
        return try tracer.trace(inputs: inputs.entries) { stamped in
            try forward(ModelInputs(zip(inputs.entries, stamped).map { ($0.0.name, $0.1) }))
        }
    }

    /// Traces the first of `batches` whose forward pass runs, as INC's searcher walks its
    /// dataloader; when none runs, throws the first batch's error. Returns the graph, the index of
    /// the batch it ran on and the wall-clock seconds that trace took.
    public func traceFirstThatRuns(_ batches: [ModelInputs]) throws -> (graph: Graph, batch: Int, seconds: Double) {
        var firstError: (any Error)?
        for (index, batch) in batches.enumerated() {
            let start = DispatchTime.now()
            do {
                let graph = try trace(batch)
                return (graph, index, Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
            } catch {
                firstError = firstError ?? error
            }
        }
        throw firstError ?? ModelError.missingInput(name: inputSpecs.first?.name ?? "input", model: typeName)
    }
}
