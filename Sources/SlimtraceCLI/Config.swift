import ArgumentParser
import Foundation
import Models
import Searchers
import Slim

/// `slimtrace config MODEL`: INC's auto-slim pruning configs (`parse_auto_slim_config`) as JSON.
public struct Config: ParsableCommand {
    public static let configuration = CommandConfiguration(
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
        """
    )

    @OptionGroup public var checkpoint: ModelArguments
    @OptionGroup public var input: InputOptions

    @Option(name: .customLong("ffn2-sparsity"), parsing: .unconditional, help: "Target sparsity of the feed-forward (Linear2Linear) configs, in (0, 1); 0 leaves them out.")
    public var ffn2Sparsity: Double = 0

    @Option(name: .customLong("mha-sparsity"), parsing: .unconditional, help: "Target sparsity of the attention-head config, in (0, 1); 0 leaves it out.")
    public var mhaSparsity: Double = 0

    @Option(name: .long, help: ArgumentHelp("An extra setting for every config, key=value (repeatable).", valueName: "key=value"))
    public var set: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Write the configs to this file instead of standard output.", valueName: "file"))
    public var output: String?

    public init() {}

    public func validate() throws {
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
        for (name, value) in [("--ffn2-sparsity", ffn2Sparsity), ("--mha-sparsity", mhaSparsity)] where !(value >= 0 && value < 1) {
            throw ValidationError("\(name) must be at least 0 and below 1, got \(value)")
        }
        do { _ = try AutoSlimConfig.parseSettings(set) } catch { throw ValidationError("\(error)") }
    }

    public func run() throws {
        let destination = try OutputDestination(output, inputs: [checkpoint.model] + input.files)
        let settings = try AutoSlimConfig.parseSettings(set)
        var roots: [Linear2LinearFinding] = []
        if ffn2Sparsity > 0 {
            let loaded = try checkpoint.load(.auto)
            let (batch, _) = try input.firstBatch(for: loaded, meta: loaded.isMeta)
            roots = Linear2LinearSearcher(trace: TraceSearcher(model: loaded.model, graph: try loaded.model.trace(batch))).search()
        }
        let configs = AutoSlimConfig.make(linear2linear: roots, ffn2Sparsity: ffn2Sparsity, mhaSparsity: mhaSparsity, settings: settings)
        try destination.write(configs.rendered(indent: 2))
    }
}
