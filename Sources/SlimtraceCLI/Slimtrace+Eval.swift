import ArgumentParser
import Foundation
import Prune

extension Slimtrace {
    /// `slimtrace eval MODEL --text-file FILE`: perplexity of a causal language model.
    public struct Eval: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Perplexity of a causal language model on a text file.",
            discussion: """
            The text is tokenised as one stream by the checkpoint's tokenizer.json (no special \
            tokens) and cut into windows of --window tokens every --stride tokens (at most --samples). \
            Each window runs once; perplexity is exp of the mean negative log-likelihood of every \
            next-token prediction inside the windows (transformers' loss with labels = input_ids).

            Examples:
              slimtrace eval path/to/llama --text-file eval.txt --samples 24
              slimtrace eval pruned --text-file eval.txt --window 512 --stride 256 --format json
            """
        )

        @OptionGroup public var checkpoint: ModelArguments

        @Option(name: .long, help: ArgumentHelp("Evaluation text file (UTF-8).", valueName: "file"))
        public var textFile: String

        @Option(name: .long, help: ArgumentHelp("Tokens per window.", valueName: "n"))
        public var window = 256

        @Option(name: .long, help: ArgumentHelp("Tokens between window starts.", valueName: "n"))
        public var stride = 256

        @Option(name: .long, help: ArgumentHelp("At most this many windows (default: every whole window).", valueName: "n"))
        public var samples: Int?

        @OptionGroup public var report: FormatOption<ReportFormat>

        public init() {}

        public func validate() throws {
            guard window >= 2 else { throw ValidationError("--window must be at least 2, got \(window)") }
            guard stride >= 1 else { throw ValidationError("--stride must be at least 1, got \(stride)") }
            if let samples, samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        }

        public func run() throws {
            let windows = try TextTokenStream.windows(file: textFile, model: checkpoint.url, length: window, stride: stride, samples: samples)
            let loaded = try checkpoint.load(.real)
            let bar = ProgressLine(total: windows.windows.count)
            let result = try Perplexity(model: loaded.model, windows: windows) { bar.update(completed: $0, label: "evaluating") }
            bar.finish()
            let text = String(format: "perplexity %.4f (mean NLL %.6f over %d predictions in %d windows of %d tokens)\n",
                              result.perplexity, result.meanNLL, result.predictions, result.windows, window)
            try OutputDestination.standardOutput.write(report.format == .json ? try JSONOutput.string(result) : text)
        }
    }
}
