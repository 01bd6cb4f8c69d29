import ArgumentParser
import Export
import Formats
import Models
import Slim

extension Slimtrace {
    /// `slimtrace slim MODEL --output DIR`: remove what pruning zeroed and write a smaller checkpoint.
    public struct Slim: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "slim",
            abstract: "Remove zeroed channels and heads and write a smaller checkpoint with the same outputs.",
            discussion: """
            For every safe Linear2Linear pair, the root's all-zero input channels (rounded down to a \
            multiple of --round; the lowest-index ones go) are removed from the root's columns and from \
            every frontier's rows and bias. For every attention block, a head whose q/k/v rows and \
            output-projection columns are all zero is removed (with grouped-query attention only whole \
            groups). Unsafe pairs are left alone and listed.

            The slimmed model is checked against the original on a placeholder batch (--shape/--dtype, \
            or the first batch of --inputs or of the texts of --text/--text-file): if the outputs \
            differ by more than --tolerance, slim fails and nothing is written. The new folder holds \
            model.safetensors and config.json with a "slimtrace" section recording per layer what \
            changed; slimtrace loads it like any checkpoint. The report says which runtimes load it: \
            Hugging Face transformers only when every layer has the same sizes and the family's config \
            can say them (then config.json holds them).

            --uniform removes the same number of channels (and whole key/value groups) from every layer, \
            the most every layer can lose, and only what the family's config can say (BERT's head size is \
            hidden_size / num_attention_heads, so its heads stay), so that from_pretrained loads the result.

            --export-onnx OUT.onnx also exports the slimmed model to ONNX, as `slimtrace export` does (the \
            same inputs: by default every input the model takes at --shape, 1,16 tokens; dynamic batch and \
            length; re-run checked). Both outputs are claimed before any work and --force covers both; the \
            export is built and checked before either is written, so a failing export writes nothing.

            Examples:
              slimtrace slim path/to/pruned-bert --output bert-slim
              slimtrace slim path/to/pruned-llama --output llama-slim --only mha --format json
              slimtrace slim path/to/pruned-bert --output bert-slim --text "Slimming keeps the outputs."
              slimtrace slim path/to/pruned-llama --output llama-hf --uniform
              slimtrace slim path/to/pruned-mixtral --output mixtral-slim --export-onnx mixtral-slim.onnx
            """
        )

        @OptionGroup public var checkpoint: ModelArguments
        @OptionGroup public var input: InputOptions

        @OptionGroup public var output: CheckpointOutputOptions

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Remove feed-forward channels in multiples of this (INC's round_multiplier).", valueName: "n"))
        public var round: Int = 32

        @Option(name: .long, help: ArgumentHelp("Slim only feed-forward channels (ffn) or only attention heads (mha).", valueName: "ffn|mha"))
        public var only: Part?

        @Flag(name: .long, help: "Remove the same amount from every layer, as the family's config can say it, so Hugging Face loads the result.")
        public var uniform = false

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Largest max-abs output difference accepted between the original and the slimmed model.", valueName: "max-abs"))
        public var tolerance: Float = 1e-5

        @Option(name: .long, help: ArgumentHelp("Also export the slimmed model to this ONNX file (as slimtrace export).", valueName: "file"))
        public var exportOnnx: String?

        @OptionGroup public var report: FormatOption<ReportFormat>

        public init() {}

        /// What `--only` restricts slimming to.
        public enum Part: String, ExpressibleByArgument, CaseIterable, Sendable {
            case ffn, mha
        }

        public func validate() throws {
            guard round >= 1 else { throw ValidationError("--round must be at least 1, got \(round)") }
            guard tolerance >= 0 else { throw ValidationError("--tolerance must be at least 0, got \(tolerance)") }
            if let exportOnnx { try ONNXExportJob.validate(path: exportOnnx, option: "--export-onnx") }
        }

        public func run() throws {
            let reading = [checkpoint.model] + input.files
            let destination = try output.claim(reading: reading)
            if let exportOnnx, OutputPath.resolve(exportOnnx) == destination.url.path || OutputPath.resolve(exportOnnx).hasPrefix(destination.url.path + "/") {
                throw CLIError.cannotWrite(path: exportOnnx, detail: "it is inside the --output folder \(output.output); write the ONNX file elsewhere")
            }
            let job = try exportOnnx.map { try ONNXExportJob(path: $0, force: output.force, dynamicAxes: true, reading: reading) }
            let loaded = try checkpoint.load(.real)
            let (batch, _) = try input.firstBatch(for: loaded)
            let options = SlimOptions(round: round, channels: only != .mha, heads: only != .ffn, uniform: uniform,
                                      tolerance: tolerance, inputs: batch)
            let slimmer = try CheckpointSlimmer(directory: checkpoint.url, options: options)
            let (model, slimmed) = try slimmer.slimmedModel()
            let export = try job.map { ($0, try $0.export(model, inputs: ONNXExportJob.inputs(input, for: loaded))) }
            let result = try slimmer.write(model, report: slimmed, to: destination)
            let exported = try export.map { job, export in try job.write(export, of: model) }
            try OutputDestination.standardOutput.write(report.format == .json ? try JSONOutput.string(result) : result.table())
            // The export's line goes with the table; beside JSON, to standard error so that standard output stays JSON.
            if let exported { report.format == .json ? Slimtrace.writeToStandardError(exported) : print(exported) }
        }
    }
}
