import ArgumentParser
import Formats
import Foundation
import Models
import Prune

extension Pooling: ExpressibleByArgument {}

extension Slimtrace {
    /// `slimtrace eval MODEL --text-file FILE`: perplexity of a causal language model, or with
    /// `--reference DENSE` the similarity of an encoder's sentence embeddings to another model's.
    public struct Eval: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Perplexity of a causal language model on a text file, or an encoder's embedding similarity to a reference.",
            discussion: """
            Perplexity (default): the text is tokenised as one stream by the checkpoint's \
            tokenizer.json (no special tokens) and cut into windows of --window tokens every --stride \
            tokens (at most --samples). Each window runs once; perplexity is exp of the mean negative \
            log-likelihood of every next-token prediction inside the windows (transformers' loss with \
            labels = input_ids).

            Embedding similarity (--reference DENSE): every non-empty line of the text file is one \
            text (at most --samples), tokenised with MODEL's tokenizer.json as transformers' \
            tokenizer(texts, padding=True, truncation=True) does, --batch-size texts per batch. Both \
            models (base models such as BertModel: their last_hidden_state) run on the same batches; \
            --pooling mean averages the tokens the attention mask keeps (sentence-transformers' mean \
            pooling, as all-MiniLM-L6-v2 uses), cls takes the first token. The report gives the mean \
            and least cosine similarity between each text's two embeddings, and the pooling.

            Examples:
              slimtrace eval path/to/llama --text-file eval.txt --samples 24
              slimtrace eval pruned --text-file eval.txt --window 512 --stride 256 --format json
              slimtrace eval pruned-minilm --text-file sentences.txt --reference all-MiniLM-L6-v2 --format json
            """
        )

        @OptionGroup public var checkpoint: ModelArguments

        @Option(name: .long, help: ArgumentHelp("Evaluation text file (UTF-8).", valueName: "file"))
        public var textFile: String

        @Option(name: .long, help: ArgumentHelp("Tokens per window (perplexity).", valueName: "n"))
        public var window = 256

        @Option(name: .long, help: ArgumentHelp("Tokens between window starts (perplexity).", valueName: "n"))
        public var stride = 256

        @Option(name: .long, help: ArgumentHelp("At most this many windows, or texts with --reference (default: all).", valueName: "n"))
        public var samples: Int?

        @Option(name: .long, help: ArgumentHelp("Compare MODEL's pooled sentence embeddings with this checkpoint's.", valueName: "model"))
        public var reference: String?

        @Option(name: .long, help: ArgumentHelp("How token embeddings become a sentence embedding (--reference).", valueName: "mean|cls"))
        public var pooling: Pooling = .mean

        @Option(name: .long, help: ArgumentHelp("Texts per batch (--reference).", valueName: "n"))
        public var batchSize = 8

        @OptionGroup public var report: FormatOption<ReportFormat>

        public init() {}

        public func validate() throws {
            guard window >= 2 else { throw ValidationError("--window must be at least 2, got \(window)") }
            guard stride >= 1 else { throw ValidationError("--stride must be at least 1, got \(stride)") }
            if let samples, samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
            guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        }

        public func run() throws {
            if let reference { return try similarity(to: reference) }
            let windows = try TextTokenStream.windows(file: textFile, model: checkpoint.url, length: window, stride: stride, samples: samples)
            let loaded = try checkpoint.load(.real)
            let bar = ProgressLine(total: windows.windows.count)
            let result = try Perplexity(model: loaded.model, windows: windows) { bar.update(completed: $0, label: "evaluating") }
            bar.finish()
            let text = String(format: "perplexity %.4f (mean NLL %.6f over %d predictions in %d windows of %d tokens)\n",
                              result.perplexity, result.meanNLL, result.predictions, result.windows, window)
            try OutputDestination.standardOutput.write(report.format == .json ? try JSONOutput.string(result) : text)
        }

        /// The embedding similarity of MODEL to `reference` on the text file's lines.
        private func similarity(to reference: String) throws {
            let texts = Array(try InputText.lines(of: URL(fileURLWithPath: textFile)).prefix(samples ?? .max))
            guard !texts.isEmpty else { throw CLIError.cannotRead(path: textFile, detail: "has no non-empty line to embed") }
            let loaded = try checkpoint.load(.real)
            let dense = try ModelArguments.load(path: reference, .real)
            let inputs = try TextInputs(texts, for: loaded, batchSize: batchSize)
            inputs.notes.forEach(Slimtrace.writeToStandardError)
            let bar = ProgressLine(total: inputs.batches.count)
            let result = try EmbeddingSimilarity(model: loaded.model, reference: dense.model, batches: inputs.batches, pooling: pooling) {
                bar.update(completed: $0, label: "embedding")
            }
            bar.finish()
            let text = String(format: "mean cosine similarity %.6f (least %.6f) to %@ over %d texts, %@ pooling\n",
                              result.meanCosine, result.minCosine, reference, result.texts, result.pooling.rawValue)
            try OutputDestination.standardOutput.write(report.format == .json ? try JSONOutput.string(result) : text)
        }
    }
}
