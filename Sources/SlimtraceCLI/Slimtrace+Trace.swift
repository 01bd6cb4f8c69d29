import ArgumentParser
import Models
import Tracer

extension Slimtrace {
    /// `slimtrace trace MODEL`: one forward pass under the tracer, the graph written out.
    public struct Trace: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "trace",
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
              slimtrace trace path/to/llama --text "Hello, world!" --text "Slim it." -o graph.ir
              slimtrace trace path/to/llama-70b --meta --shape 1,4096
              slimtrace trace Examples/tiny-bert --format dot --level module -o modules.dot
            """
        )

        @OptionGroup public var checkpoint: ModelArguments
        @OptionGroup public var input: InputOptions

        @OptionGroup public var graph: FormatOption<GraphFormat>
        @OptionGroup public var output: OutputFileOption
        @OptionGroup public var trace: MetaOption

        @Option(name: .long, help: ArgumentHelp("Nodes of the graph: every op, or every module with repeated layers folded (dot only).", valueName: "op|module"))
        public var level: GraphLevel = .op

        public init() {}

        public func validate() throws {
            if level == .module, graph.format != .dot {
                throw ValidationError("--level module draws a picture: use it with --format dot (ir and json list ops)")
            }
        }

        public func run() throws {
            let destination = try output.destination(reading: [checkpoint.model] + input.files)
            let traced = try TracedModel(checkpoint, input: input, mode: trace.loadMode)
            try destination.write(level == .module ? ModuleGraph(traced.graph).dot : try graph.format.render(traced.graph))
            if let file = output.output {
                let inputs = traced.inputs.entries.map { "\($0.name) \($0.tensor.shape.map(String.init).joined(separator: "x"))" }.joined(separator: ", ")
                print("\(traced.model.typeName) (\(inputs)): \(traced.graph.nodes.count) nodes, \(traced.graph.modules.count) modules; \(graph.format.rawValue) graph written to \(file)")
            }
        }
    }
}
