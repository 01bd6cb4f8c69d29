import ArgumentParser
import Foundation
import Models
import Searchers
import Tracer

/// `slimtrace trace MODEL`: one forward pass under the tracer, the graph written out.
public struct Trace: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Trace one forward pass of a checkpoint and write its graph.",
        discussion: """
        Loads the checkpoint, builds one batch and runs the model once under the tracer. The graph \
        lists every op in execution order with its output shapes and the module (dotted path and \
        Hugging Face class) it ran in; parameters appear where they are first read.

        The batch is a placeholder of ones for the model's primary input (--shape and --dtype, \
        defaulting to what the model declares: [1,16] int64 token ids; ViT \
        [1,3,image_size,image_size] float32), \
        or the first batch of --inputs (or of the texts of --text/--text-file, tokenized with the \
        checkpoint's tokenizer.json) whose forward pass runs (every batch is checked against the \
        model's inputs; if none runs, the first batch's error is reported).

        With --meta the trace carries shapes only: the model is built from config.json, its \
        parameters are checked against the safetensors headers, and no weight is read and no \
        arithmetic done. The graph is the same as a real trace's, for checkpoints of any size. \
        slimtrace goes meta by itself (and says so on standard error) when the folder has \
        config.json but no weights, or weights larger than memory. With --inputs, the first \
        batch's shapes and dtypes are used.

        Examples:
          slimtrace trace Examples/tiny-bert
          slimtrace trace Examples/tiny-bert --shape 1,128 --format json -o graph.json
          slimtrace trace Examples/tiny-bert --format dot -o bert.dot \\
              --inputs Examples/tiny-bert/inputs.jsonl
          slimtrace trace path/to/llama-70b --meta --shape 1,4096
        """
    )

    @OptionGroup public var checkpoint: ModelArguments
    @OptionGroup public var input: InputOptions

    @Option(name: .long, help: "Graph format: ir (one line per op), json (the Graph, readable back) or dot (Graphviz, one cluster per module).")
    public var format: GraphFormat = .ir

    @Option(name: [.short, .long], help: ArgumentHelp("Write the graph to this file instead of standard output.", valueName: "file"))
    public var output: String?

    @Flag(name: .long, help: "Trace shapes only: no weight is read (automatic when the folder has no weights or they exceed memory).")
    public var meta = false

    public init() {}

    public func validate() throws {
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
    }

    public func run() throws {
        let destination = try OutputDestination(output, inputs: [checkpoint.model] + input.files)
        let loaded = try checkpoint.load(meta ? .meta : .auto)
        if let reason = loaded.metaReason, !meta {
            Slimtrace.writeToStandardError("note: tracing shapes only (no weight read): \(reason)")
        }
        let model = loaded.model
        let candidates = try input.batches(for: loaded, meta: loaded.isMeta)
        let traced: (graph: Graph, batch: Int, seconds: Double)
        do {
            traced = try model.traceFirstThatRuns(candidates.map(\.inputs))
        } catch {
            // A batch from --inputs or of texts: name its file and line before the module that failed.
            guard let source = candidates.first?.source else { throw error }
            throw CLIError.batchFailed(batch: source, detail: Slimtrace.describe(error))
        }
        let graph = traced.graph
        let batch = candidates[traced.batch].inputs
        try destination.write(try format.render(graph))
        if let output {
            let inputs = batch.entries.map { "\($0.name) \($0.tensor.shape.map(String.init).joined(separator: "x"))" }.joined(separator: ", ")
            print("\(model.typeName) (\(inputs)): \(graph.nodes.count) nodes, \(graph.modules.count) modules; \(format.rawValue) graph written to \(output)")
        }
    }
}
