import ArgumentParser
import Foundation

/// The `slimtrace` command line: the root command and its subcommands.
///
/// The executable is a thin `@main` that calls `Slimtrace.main()`; tests drive the same commands
/// in-process with `Slimtrace.parseAsRoot([...])` or `Slimtrace.execute([...])`.
public struct Slimtrace: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "slimtrace",
        abstract: "Find and slim the structurally prunable parts of transformer checkpoints.",
        usage: """
        slimtrace <model> [<options>]              (search, the default command)
        slimtrace <subcommand> <model> [<options>]
        """,
        discussion: """
        MODEL is a Hugging Face checkpoint folder: config.json plus model.safetensors (or shards \
        listed in model.safetensors.index.json). Inputs are placeholders (ones of --shape and \
        --dtype, as Intel Neural Compressor traces) or real batches from --inputs: a .safetensors \
        file of named tensors (one batch) or a .jsonl file with one JSON object per line, e.g.
          {"input_ids": [[101, 2023, 102]], "attention_mask": [[1, 1, 1]]}
          {"text": "Is it slim?", "pair": "It is."}
        or text: --text (repeatable) and --text-file (one text per line), tokenized with the \
        checkpoint's own tokenizer.json in batches of --batch-size (default 8), padded with the \
        attention mask.

        slimtrace runs the checkpoint through its own tensor runtime, records the forward pass as a \
        graph (like torch.jit.trace) and reads it: feed-forward pairs, attention heads and the \
        classifier head (search, the default), INC's pruning configs (config), then removes what \
        pruning zeroed (slim), shows where time goes (bench) and what a text is fed as (tokenize).

        Examples:
          slimtrace Examples/tiny-bert
          slimtrace Examples/tiny-bert --shape 1,128 --format json --explain
          slimtrace config Examples/tiny-bert --ffn2-sparsity 0.5 --mha-sparsity 0.5
          slimtrace slim path/to/pruned-checkpoint --output slimmed
          slimtrace trace Examples/tiny-bert
          slimtrace trace Examples/tiny-bert --shape 2,32 --format dot -o bert.dot
          slimtrace run Examples/tiny-bert \\
              --inputs Examples/tiny-bert/inputs.jsonl --output logits.safetensors
          slimtrace bench Examples/tiny-bert --shape 1,128 --by op
          slimtrace tokenize path/to/bert --text "Hello, world!"
          slimtrace run path/to/bert --text "Hello, world!" --text "Slim it." -o logits.safetensors
          slimtrace prune path/to/llama --calibration calib.txt --ffn-sparsity 0.2 --output pruned
          slimtrace eval pruned --text-file eval.txt --samples 24
          slimtrace report path/to/pruned --compare slimmed -o report.html

        `slimtrace help <subcommand>` (or `slimtrace <subcommand> --help`) explains a command, its \
        options and examples. Errors print one line, `error: ...`, naming the file or argument at \
        fault, and exit with status 1.
        """,
        version: Slimtrace.version,
        // One line per command. A new command is `extension Slimtrace { struct Name: ParsableCommand }`
        // in its own file, `Slimtrace+Name.swift`, with `commandName:` in its configuration; it takes
        // `@OptionGroup var checkpoint: ModelArguments` (MODEL), when it runs the model
        // `@OptionGroup var input: InputOptions` (--shape/--dtype/--inputs/--text/--text-file) and traces with
        // `TracedModel`, and writes text through `OutputFileOption` (-o) and `FormatOption` (--format).
        subcommands: [
            Search.self,
            Trace.self,
            Run.self,
            Config.self,
            Slim.self,
            Bench.self,
            Tokenize.self,
            Export.self,
            Prune.self,
            Eval.self,
            Report.self,
        ],
        defaultSubcommand: Search.self
    )

    /// The version `slimtrace --version` prints.
    public static let version = "0.1.0"

    public init() {}
}
