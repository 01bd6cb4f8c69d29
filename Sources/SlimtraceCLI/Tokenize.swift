import ArgumentParser
import Foundation
import Tokenizers

/// `slimtrace tokenize MODEL_OR_TOKENIZER_JSON --text TEXT [--pair TEXT]`: what the model is fed.
public struct Tokenize: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Show how a checkpoint's tokenizer encodes a text: ids, tokens and offsets.",
        discussion: """
        Loads tokenizer.json from a checkpoint folder (or the file itself) and tokenizer_config.json \
        beside it, and encodes --text (and --pair, the second text of a pair, as BERT's \
        [CLS] a [SEP] b [SEP]) exactly as Hugging Face tokenizers' Tokenizer.encode does: the \
        special tokens its post-processor adds, and the ids the model's embedding looks up. \
        These are the tokens --text gives search, trace, run, bench and slim.

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

    @Option(name: .long, help: "Output format: text (one row per token) or json.")
    public var format: Search.ReportFormat = .text

    public init() {}

    public func validate() throws {
        if tokenizer.isEmpty { throw ValidationError("the tokenizer path is empty: give a checkpoint folder or a tokenizer.json file") }
    }

    public func run() throws {
        let encoding = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizer)).encode(text, pair: pair)
        let report = TokenizeReport(encoding)
        try OutputDestination.standardOutput.write(format == .json ? try Bench.json(report) : report.table(withTypes: pair != nil))
    }
}

/// An encoding as `tokenize` prints it (Hugging Face `Encoding`'s field names).
struct TokenizeReport: Encodable {
    let ids: [Int]
    let tokens: [String]
    let offsets: [[Int]]
    let typeIds: [Int]
    let attentionMask: [Int]
    let specialTokensMask: [Int]

    enum CodingKeys: String, CodingKey {
        case ids, tokens, offsets
        case typeIds = "type_ids"
        case attentionMask = "attention_mask"
        case specialTokensMask = "special_tokens_mask"
    }

    init(_ encoding: Encoding) {
        ids = encoding.ids
        tokens = encoding.tokens
        offsets = encoding.offsets.map { [$0.lowerBound, $0.upperBound] }
        typeIds = encoding.typeIds
        attentionMask = encoding.attentionMask
        specialTokensMask = encoding.specialTokensMask
    }

    /// One row per token (type ids for a pair), then the count.
    func table(withTypes: Bool) -> String {
        let header = ["#", "id", "token", "offsets"] + (withTypes ? ["type"] : [])
        let rows = ids.indices.map { index in
            [String(index), String(ids[index]), TokenizeReport.quoted(tokens[index]), "\(offsets[index][0])..<\(offsets[index][1])"]
                + (withTypes ? [String(typeIds[index])] : [])
        }
        let lines = TextTable.aligned([header] + rows, rightAligned: [0, 1])
        return (lines + ["\(ids.count) token\(ids.count == 1 ? "" : "s")"]).joined(separator: "\n")
    }

    /// `token` as a JSON string (quotes, backslashes and control characters escaped).
    static func quoted(_ token: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(token)).map { String(decoding: $0, as: UTF8.self) } ?? token
    }
}
