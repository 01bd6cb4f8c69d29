import ArgumentParser
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

            Examples:
              slimtrace slim path/to/pruned-bert --output bert-slim
              slimtrace slim path/to/pruned-llama --output llama-slim --only mha --format json
              slimtrace slim path/to/pruned-bert --output bert-slim --text "Slimming keeps the outputs."
              slimtrace slim path/to/pruned-llama --output llama-hf --uniform
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

        @OptionGroup public var report: FormatOption<ReportFormat>

        public init() {}

        /// What `--only` restricts slimming to.
        public enum Part: String, ExpressibleByArgument, CaseIterable, Sendable {
            case ffn, mha
        }

        public func validate() throws {
            guard round >= 1 else { throw ValidationError("--round must be at least 1, got \(round)") }
            guard tolerance >= 0 else { throw ValidationError("--tolerance must be at least 0, got \(tolerance)") }
        }

        public func run() throws {
            let destination = try output.claim(reading: [checkpoint.model] + input.files)
            let loaded = try checkpoint.load(.real)
            let (batch, _) = try input.firstBatch(for: loaded)
            let options = SlimOptions(round: round, channels: only != .mha, heads: only != .ffn, uniform: uniform,
                                      tolerance: tolerance, inputs: batch)
            let result = try CheckpointSlimmer(directory: checkpoint.url, options: options).slim(to: destination)
            try OutputDestination.standardOutput.write(report.format == .json ? try JSONOutput.string(result) : result.table())
        }
    }
}
