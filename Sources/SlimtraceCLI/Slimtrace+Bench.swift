import ArgumentParser
import Foundation
import Models
import NN
import Profiler
import Tensor

extension Slimtrace {
    /// `slimtrace bench MODEL`: time forward passes module by module (or op by op), optionally against
    /// a second checkpoint.
    public struct Bench: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Time a checkpoint's forward pass and show where the time goes, by module or by op.",
            discussion: """
            Loads the checkpoint with its weights, builds one batch (--shape/--dtype placeholder, or the \
            first batch of --inputs or of the texts of --text/--text-file), runs --warmup untimed \
            forwards, then --repeat forwards under the profiler. Every op is timed on the monotonic clock and attributed to the innermost module it \
            ran in; FLOPs are counted from shapes (linear 2·rows·in·out, matmul 2·batch·M·K·N, conv2d \
            2·N·O·outH·outW·C·kH·kW, elementwise, norm and softmax ops one per output element; views \
            and copies none).

            The table has one row per module that runs ops itself (--by module: a Linear's GEMM is in \
            the Linear's row, attention's matmuls and softmax in the self-attention module's row), per \
            module class (--by type) or per op (--by op), slowest first: calls, GFLOP, median ms per \
            forward, GFLOP/s and share of the total time; "<between ops>" is the time in no op \
            (module calls, Swift code between ops). The total line gives the forward's median time and \
            effective GFLOP/s. --format json prints the same figures (times in ms, FLOPs unscaled).

            --compare OTHER benchmarks a second checkpoint (e.g. the slimmed one) on the same batch \
            and puts the two side by side: rows matched by module path (or class, or op), parameters, \
            GFLOP and ms of both, the speedup (before ms / after ms), and the parameter and forward-time \
            ratios.

            The text report ends with a `gemm:` line: the GEMM library and kernel that ran and why \
            (SLIMTRACE_GEMM=openblas|onednn picks the library; a user-set OPENBLAS_CORETYPE is obeyed; \
            otherwise the best OpenBLAS kernel for the CPU, or oneDNN when installed and faster).

            When standard error is a terminal, a progress bar is drawn there while the forwards run; \
            the report goes to standard output (or --output). Times vary from run to run: use --repeat to take more samples.

            Examples:
              slimtrace bench Examples/tiny-bert --shape 1,128
              slimtrace bench Examples/tiny-bert --shape 1,128 --by op --repeat 50
              slimtrace bench path/to/gpt2 --text-file texts.txt --batch-size 4
              slimtrace bench path/to/pruned-bert --shape 1,128 \\
                  --compare bert-slim --format json -o bench.json
            """
        )

        @OptionGroup public var checkpoint: ModelArguments
        @OptionGroup public var input: InputOptions

        @Option(name: .customLong("repeat"), parsing: .unconditional, help: ArgumentHelp("Profiled forwards (the samples whose median is reported).", valueName: "n"))
        public var repeatCount: Int = 10

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Untimed forwards run first (caches, allocator and threads warm up).", valueName: "n"))
        public var warmup: Int = 2

        @Option(name: .long, help: ArgumentHelp("Rows per module (self time, by dotted path), per module class (type) or per op.", valueName: "module|type|op"))
        public var by: ProfileReport.Grouping = .module

        @OptionGroup public var report: FormatOption<ReportFormat>

        @Option(name: .long, help: ArgumentHelp("A second checkpoint to benchmark on the same batch and compare side by side (e.g. the slimmed one).", valueName: "other-model"))
        public var compare: String?

        @OptionGroup public var output: OutputFileOption

        public init() {}

        public func validate() throws {
            try ForwardProfiles.validate(repeatCount: repeatCount, warmup: warmup, compare: compare)
        }

        public func run() throws {
            let destination = try output.destination(reading: [checkpoint.model, compare] + input.files)
            let loaded = try checkpoint.load(.real)
            var models = [(path: checkpoint.model, model: loaded.model)]
            if let compare { models.append((compare, try ModelArguments.load(path: compare, .real).model)) }
            let (batch, source) = try input.firstBatch(for: loaded)
            for (_, model) in models.dropFirst() {
                // The same batch goes through both: the second model must take its inputs too.
                if try input.inputFile(for: model) == nil { try model.validate(batch) }
            }
            // The GEMM backend is chosen (and timed against oneDNN, if installed) before any forward,
            // so the choice costs no timed forward anything. The text report ends with it.
            let gemmLine = "gemm: \(GEMM.selection.summary)"
            let reports = try ForwardProfiles.measure(models, batch: batch, source: source, warmup: warmup, repeatCount: repeatCount, by: by)

            let text: String
            if reports.count == 2 {
                let comparison = ProfileComparison(before: reports[0], after: reports[1])
                text = report.format == .json ? try JSONOutput.string(comparison) : comparison.table()
            } else {
                text = report.format == .json ? try JSONOutput.string(reports[0]) : reports[0].table()
            }
            try destination.write(report.format == .json ? text : text + "\n" + gemmLine)
        }
    }
}
