import ArgumentParser
import Export

extension Slimtrace {
    /// `slimtrace export MODEL --onnx OUT.onnx`: the traced forward pass as an ONNX model.
    public struct Export: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export a checkpoint (slimmed or not) to ONNX, checked by re-running it before it is written.",
            discussion: """
            Traces the model (on --shape/--dtype placeholders, the first batch of --inputs, or --text; by \
            default every input the model takes, 1,16 tokens) and writes the graph as ONNX opset 20 \
            with the weights as initializers named as in the checkpoint. Inputs keep the model's \
            names (input_ids, attention_mask, token_type_ids, pixel_values); the output is logits or \
            last_hidden_state. Batch size and sequence length are dynamic (images: batch only) unless \
            --static-axes is given; node names keep the module scope, as torch.onnx writes them \
            (/bert/encoder/layer.0/intermediate/dense/MatMul). Every family slimtrace runs exports, routed \
            experts (TopK routing, every expert's product then GatherElements) and MPNet's relative position \
            buckets (computed in the graph from the length) included; per-layer sizes of a slimmed \
            checkpoint export as they are. `slimtrace slim --export-onnx` slims and exports in one go.

            Before anything is written, the ONNX graph is re-run in process at the traced size and at \
            another batch size and length, and compared with the model's outputs. Models whose \
            weights exceed 2 GB keep them in OUT.onnx.data beside OUT.onnx (ONNX external data).

            Examples:
              slimtrace export Examples/tiny-bert --onnx bert.onnx
              slimtrace export path/to/slimmed --text "A sentence to trace on." --onnx slimmed.onnx
            """
        )

        @OptionGroup public var checkpoint: ModelArguments
        @OptionGroup public var input: InputOptions

        @Option(name: .long, help: ArgumentHelp("The .onnx file to write.", valueName: "file"))
        public var onnx: String

        @Flag(name: .long, help: "Keep every dimension at its traced size (no dynamic batch or sequence axes).")
        public var staticAxes = false

        @Flag(name: .long, help: "Replace the output file (and its .data file) if it exists.")
        public var force = false

        public init() {}

        public func validate() throws {
            try ONNXExportJob.validate(path: onnx, option: "--onnx")
        }

        public func run() throws {
            let job = try ONNXExportJob(path: onnx, force: force, dynamicAxes: !staticAxes, reading: [checkpoint.model] + input.files)
            let loaded = try checkpoint.load(.real)
            let export = try job.export(loaded.model, inputs: ONNXExportJob.inputs(input, for: loaded))
            print(try job.write(export, of: loaded.model))
        }
    }
}
