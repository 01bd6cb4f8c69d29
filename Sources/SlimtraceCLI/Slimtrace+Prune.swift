import ArgumentParser
import Foundation
import Models
import Prune

extension PruneMethod: ExpressibleByArgument {}
extension ChannelAllocation: ExpressibleByArgument {}

extension Slimtrace {
    /// `slimtrace prune MODEL --calibration FILE --ffn-sparsity S --output DIR`: one-shot
    /// structured pruning from calibration text (OBS reconstruction, FLAP, Wanda-sp, magnitude), then slim.
    public struct Prune: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Prune feed-forward channels and attention heads from calibration text, then slim (or keep the shapes).",
            discussion: """
            The calibration file is read as the model reads text. A causal language model (its \
            attention hides later tokens) gets the file tokenised as one stream by the checkpoint's \
            tokenizer.json, cut into --samples windows of --window tokens. An encoder (attention both \
            ways: BERT-family sentence encoders, which see short texts) gets each non-empty line as \
            one text with the tokenizer's special tokens ([CLS] ... [SEP]), from the start of the \
            file until --samples × --window tokens. --calibration-unit windows|lines overrides the \
            choice. One forward pass per window or text gathers, at \
            the input of every safe Linear2Linear root (e.g. down_proj), each channel's mean, variance \
            and norm (and, for obs, the inputs' covariance). Channels are chosen by --method:
              obs       greedy Optimal Brain Surgeon: removes the channels whose loss the kept ones \
            reconstruct best (least squares over the calibration tokens), updating the kept columns and bias
              flap      variance · ‖W[:,j]‖², the removed channels' mean folded into the root's bias
              wanda-sp  ‖W[:,j]‖ · ‖x_j‖
              magnitude ‖W[:,j]‖ (no calibration needed)
            --allocation uniform removes the same fraction in every layer, adaptive \
            compares standardized scores across layers. The chosen channels are zeroed (root columns, \
            frontier rows) and removed by slim; --keep-shapes writes the zeroed checkpoint at its \
            original sizes instead (Hugging Face loads it; a LLaMA config gets mlp_bias: true and \
            zero biases where compensation needed a bias).

            --head-sparsity also removes attention heads, in whole key/value groups (a key/value head \
            and its query heads; one head without grouped-query attention). The same pass gathers \
            statistics at the input of every attention block's output projection (the concatenated \
            heads); a group scores the sum of its channels' --method scores (flap's under obs); uniform allocation \
            removes the fraction from every block, adaptive compares standardized scores across \
            blocks. --head-layers F (uniform only) prunes heads in the fraction F of the blocks whose \
            groups score lowest: --head-sparsity 0.34 --head-layers 0.34 removes 1 of 3 groups in a \
            third of the layers. Counts are rounded down; every block keeps a group. The groups' \
            q/k/v rows and output-projection columns are zeroed (FLAP folds their mean into the \
            output projection's bias: attention_bias: true in a LLaMA config, with zero q/k/v biases). \
            Blocks whose heads cannot be removed exactly (a norm over all heads as OLMo 2's, \
            per-head score terms from elsewhere as MPNet's, ALiBi as BLOOM's, an unknown fused \
            layout) are left alone and listed.

            Examples:
              slimtrace prune path/to/llama --calibration calib.txt --ffn-sparsity 0.2 --output pruned
              slimtrace prune path/to/llama --calibration calib.txt --ffn-sparsity 0.3 \\
                  --method wanda-sp --allocation adaptive --keep-shapes --output pruned-hf
              slimtrace prune path/to/llama --calibration calib.txt --ffn-sparsity 0.2 \
                  --head-sparsity 0.34 --head-layers 0.34 --output pruned-heads
            """
        )

        @OptionGroup public var checkpoint: ModelArguments

        @Option(name: .long, help: ArgumentHelp("Calibration text file (UTF-8), tokenised as one stream.", valueName: "file"))
        public var calibration: String

        @Option(name: .long, help: ArgumentHelp("Tokens per calibration window.", valueName: "n"))
        public var window = 256

        @Option(name: .long, help: ArgumentHelp("Calibration windows (from the start of the file).", valueName: "n"))
        public var samples = 32

        @Option(name: .long, help: ArgumentHelp("Calibrate on windows of the token stream, or on the file's lines as texts (default: windows for causal language models, lines for encoders).", valueName: "windows|lines"))
        public var calibrationUnit: CalibrationUnit?

        @Option(name: .long, help: ArgumentHelp("Fraction of the feed-forward channels to remove, in [0, 1).", valueName: "s"))
        public var ffnSparsity: Double

        @Option(name: .long, help: ArgumentHelp("Fraction of each attention block's key/value groups to remove, in [0, 1).", valueName: "s"))
        public var headSparsity: Double = 0

        @Option(name: .long, help: ArgumentHelp("Fraction of the attention blocks that lose heads (uniform allocation), in (0, 1].", valueName: "f"))
        public var headLayers: Double = 1

        @Option(name: .long, help: ArgumentHelp("How channels are chosen (see above; heads are scored by flap's metric under obs).", valueName: "obs|flap|wanda-sp|magnitude"))
        public var method: PruneMethod = .obs

        @Option(name: .long, help: ArgumentHelp("How removals are spread over the layers.", valueName: "uniform|adaptive"))
        public var allocation: ChannelAllocation = .uniform

        @Flag(name: .long, help: "Write the zeroed checkpoint at its original sizes instead of slimming it.")
        public var keepShapes = false

        @OptionGroup public var output: CheckpointOutputOptions
        @OptionGroup public var report: FormatOption<ReportFormat>

        public init() {}

        /// The pruning options the arguments ask for.
        var options: PruneOptions {
            PruneOptions(ffnSparsity: ffnSparsity, method: method, allocation: allocation, headSparsity: headSparsity, headLayers: headLayers)
        }

        public func validate() throws {
            do { try options.validate() } catch { throw ValidationError(error.localizedDescription) }
            guard window >= 2 else { throw ValidationError("--window must be at least 2, got \(window)") }
            guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
        }

        public func run() throws {
            let destination = try output.claim(reading: [checkpoint.model, calibration])
            let unit = try calibrationUnit ?? (ModelLoading.load(checkpoint.url, mode: .meta).model.masksAttentionCausally() ? .windows : .lines)
            let batches = switch unit {
            case .windows: try TextTokenStream.windows(file: calibration, model: checkpoint.url, length: window, stride: window, samples: samples).batches()
            case .lines: try TextTokenStream.lines(file: calibration, model: checkpoint.url, tokens: window * samples)
            }
            let pruner = try CheckpointPruner(directory: checkpoint.url, options: options)
            let bar = ProgressLine(total: batches.count)
            let result = try pruner.prune(calibration: batches, to: destination, keepShapes: keepShapes) { stage in
                switch stage {
                case let .calibrating(done, _): bar.update(completed: done, label: "calibrating")
                case .writing: bar.update(completed: batches.count, label: "writing")
                case .slimming: bar.update(completed: batches.count, label: "slimming")
                }
            }
            bar.finish()
            try OutputDestination.standardOutput.write(report.format == .json ? try JSONOutput.string(result) : result.text())
        }
    }
}
