import ArgumentParser
import Searchers
import Slim

extension Slimtrace {
    /// `slimtrace config MODEL`: INC's auto-slim pruning configs (`parse_auto_slim_config`) as JSON.
    public struct Config: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Print INC's auto-slim pruning configs for a checkpoint, as JSON.",
            discussion: """
            What Intel Neural Compressor's parse_auto_slim_config returns: with 0 < --ffn2-sparsity < 1, \
            one config of pattern "channelx1" over every Linear2Linear root (the layers whose input \
            channels a pruner may zero); with 0 < --mha-sparsity < 1, one config of pattern "mha". \
            Each --set key=value is set in every config, replacing a key it has (values are JSON where they parse: numbers, \
            true/false, lists; text otherwise). Feed the list to INC's pruner, then `slimtrace slim` \
            the pruned checkpoint.

            Examples:
              slimtrace config Examples/tiny-bert --ffn2-sparsity 0.5 --mha-sparsity 0.5
              slimtrace config Examples/tiny-bert --ffn2-sparsity 0.8 --set pruning_scope=local --set start_step=10
              slimtrace config path/to/bert --ffn2-sparsity 0.5 --text-file texts.txt
            """
        )

        @OptionGroup public var checkpoint: ModelArguments
        @OptionGroup public var input: InputOptions

        @Option(name: .customLong("ffn2-sparsity"), parsing: .unconditional, help: ArgumentHelp("Target sparsity of the feed-forward (Linear2Linear) configs, in (0, 1); 0 leaves them out.", valueName: "fraction"))
        public var ffn2Sparsity: Double = 0

        @Option(name: .customLong("mha-sparsity"), parsing: .unconditional, help: ArgumentHelp("Target sparsity of the attention-head config, in (0, 1); 0 leaves it out.", valueName: "fraction"))
        public var mhaSparsity: Double = 0

        @Option(name: .long, help: ArgumentHelp("An extra setting for every config, key=value (repeatable).", valueName: "key=value"))
        public var set: [String] = []

        @OptionGroup public var output: OutputFileOption

        public init() {}

        public func validate() throws {
            for (name, value) in [("--ffn2-sparsity", ffn2Sparsity), ("--mha-sparsity", mhaSparsity)] where !(value >= 0 && value < 1) {
                throw ValidationError("\(name) must be at least 0 and below 1, got \(value)")
            }
            do { _ = try AutoSlimConfig.parseSettings(set) } catch { throw ValidationError("\(error)") }
        }

        public func run() throws {
            let destination = try output.destination(reading: [checkpoint.model] + input.files)
            let settings = try AutoSlimConfig.parseSettings(set)
            var roots: [Linear2LinearFinding] = []
            if ffn2Sparsity > 0 {
                let traced = try TracedModel(checkpoint, input: input, mode: .auto)
                roots = Linear2LinearSearcher(trace: TraceSearcher(model: traced.model, graph: traced.graph)).search()
            }
            let configs = AutoSlimConfig.make(linear2linear: roots, ffn2Sparsity: ffn2Sparsity, mhaSparsity: mhaSparsity, settings: settings)
            try destination.write(configs.rendered(indent: 2))
        }
    }
}
