import ArgumentParser
import Foundation
import Tokenizers

extension Slimtrace {
    /// `slimtrace tokenize MODEL_OR_TOKENIZER_JSON --text TEXT [--pair TEXT]`: what the model is fed.
    public struct Tokenize: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "tokenize",
            abstract: "Show how a checkpoint's tokenizer encodes a text: ids, tokens and offsets.",
            discussion: """
            Loads tokenizer.json from a checkpoint folder (or the file itself) and tokenizer_config.json \
            beside it, and encodes --text (and --pair, the second text of a pair, as BERT's \
            [CLS] a [SEP] b [SEP]) exactly as Hugging Face tokenizers' Tokenizer.encode does: the \
            special tokens its post-processor adds, and the ids the model's embedding looks up. \
            These are the tokens --text gives search, trace, run, bench, slim and config.

            The table has one row per token: its position, id, token (quoted, escapes as in JSON), \
            the character offsets it covers in the text (start..<end; special tokens cover none) and, \
            for a pair, its type id. --format json prints ids, tokens, offsets, type_ids, \
            attention_mask and special_tokens_mask as arrays.

            Examples:
              slimtrace tokenize path/to/bert --text "Hello, world!"
              slimtrace tokenize path/to/bert/tokenizer.json --text "Is it?" --pair "It is." --format json
            """
        )

        @Argument(help: ArgumentHelp("A checkpoint folder holding tokenizer.json, or a tokenizer.json file.", valueName: "model-or-tokenizer-json"))
        public var tokenizer: String

        @Option(name: .long, help: ArgumentHelp("The text to encode.", valueName: "text"))
        public var text: String

        @Option(name: .long, help: ArgumentHelp("A second text, encoded with the first as a pair.", valueName: "text"))
        public var pair: String?

        @OptionGroup public var report: FormatOption<ReportFormat>

        public init() {}

        public func validate() throws {
            if tokenizer.isEmpty { throw ValidationError("the tokenizer path is empty: give a checkpoint folder or a tokenizer.json file") }
        }

        public func run() throws {
            let encoding = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizer)).encode(text, pair: pair)
            let result = TokenizeReport(encoding)
            try OutputDestination.standardOutput.write(report.format == .json ? try JSONOutput.string(result) : result.table(withTypes: pair != nil))
        }
    }
}
