import ArgumentParser
import Foundation
import Prune

extension PruneMethod: ExpressibleByArgument {}
extension ChannelAllocation: ExpressibleByArgument {}

extension Slimtrace {
    /// `slimtrace prune MODEL --calibration FILE --ffn-sparsity S --output DIR`: one-shot
    /// structured pruning from calibration text (OBS reconstruction, FLAP, Wanda-sp, magnitude), then slim.
    public struct Prune: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Prune feed-forward channels from calibration text, then slim (or keep the shapes).",
            discussion: """
            The calibration file is tokenised as one stream by the checkpoint's tokenizer.json and \
            cut into --samples windows of --window tokens. One forward pass per window gathers, at \
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

            Examples:
              slimtrace prune path/to/llama --calibration calib.txt --ffn-sparsity 0.2 --output pruned
              slimtrace prune path/to/llama --calibration calib.txt --ffn-sparsity 0.3 \\
                  --method wanda-sp --allocation adaptive --keep-shapes --output pruned-hf
            """
        )

        @OptionGroup public var checkpoint: ModelArguments

        @Option(name: .long, help: ArgumentHelp("Calibration text file (UTF-8), tokenised as one stream.", valueName: "file"))
        public var calibration: String

        @Option(name: .long, help: ArgumentHelp("Tokens per calibration window.", valueName: "n"))
        public var window = 256

        @Option(name: .long, help: ArgumentHelp("Calibration windows (from the start of the file).", valueName: "n"))
        public var samples = 32

        @Option(name: .long, help: ArgumentHelp("Fraction of the feed-forward channels to remove, in [0, 1).", valueName: "s"))
        public var ffnSparsity: Double

        @Option(name: .long, help: ArgumentHelp("How channels are chosen (see above).", valueName: "obs|flap|wanda-sp|magnitude"))
        public var method: PruneMethod = .obs

        @Option(name: .long, help: ArgumentHelp("How removals are spread over the layers.", valueName: "uniform|adaptive"))
        public var allocation: ChannelAllocation = .uniform

        @Flag(name: .long, help: "Write the zeroed checkpoint at its original sizes instead of slimming it.")
        public var keepShapes = false

        @OptionGroup public var output: CheckpointOutputOptions
        @OptionGroup public var report: FormatOption<ReportFormat>

        public init() {}

        public func validate() throws {
            guard ffnSparsity >= 0, ffnSparsity < 1 else { throw ValidationError("--ffn-sparsity must be in [0, 1), got \(ffnSparsity)") }
            guard window >= 2 else { throw ValidationError("--window must be at least 2, got \(window)") }
            guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
        }

        public func run() throws {
            let destination = try output.claim(reading: [checkpoint.model, calibration])
            let windows = try TextTokenStream.windows(file: calibration, model: checkpoint.url, length: window, stride: window, samples: samples)
            let pruner = try CheckpointPruner(directory: checkpoint.url,
                                              options: PruneOptions(ffnSparsity: ffnSparsity, method: method, allocation: allocation))
            let bar = ProgressLine(total: windows.windows.count)
            let result = try pruner.prune(calibration: try windows.batches(), to: destination, keepShapes: keepShapes) { stage in
                switch stage {
                case let .calibrating(done, _): bar.update(completed: done, label: "calibrating")
                case .writing: bar.update(completed: windows.windows.count, label: "writing")
                case .slimming: bar.update(completed: windows.windows.count, label: "slimming")
                }
            }
            bar.finish()
            try OutputDestination.standardOutput.write(report.format == .json ? try JSONOutput.string(result) : result.text())
        }
    }
}
