import ArgumentParser
import Formats
import Foundation
import Models

/// Real text as model input (`--text`, `--text-file`, `--batch-size`), tokenized with the
/// checkpoint's own `tokenizer.json` as transformers' tokenizer does.
public struct TextOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A text to tokenize with the checkpoint's tokenizer.json and feed the model (repeat for several).",
        valueName: "text"))
    public var text: [String] = []

    @Option(name: .customLong("text-file"), help: ArgumentHelp(
        "A file of texts, one per line (empty lines skipped; bytes that are not UTF-8 read as U+FFFD).",
        valueName: "file"))
    public var textFile: String?

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp(
        "Texts per batch; a batch is padded to its longest text, with the attention mask.",
        valueName: "n"))
    public var batchSize: Int = TextInputs.defaultBatchSize

    public init() {}

    /// True when `--text` or `--text-file` is given.
    public var isGiven: Bool { !text.isEmpty || textFile != nil }

    public func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let textFile, textFile.isEmpty { throw ValidationError("--text-file needs a file name") }
    }

    /// The `--text` texts, then the lines of `--text-file`.
    public func texts() throws -> [InputText] {
        let given = text.enumerated().map { InputText($0.element, source: "--text \($0.offset + 1)") }
        return try given + (textFile.map { try InputText.lines(of: URL(fileURLWithPath: $0)) } ?? [])
    }

    /// `texts` tokenized for `loaded` into batches of `--batch-size`, each with the texts it holds;
    /// truncation and padding notes go to standard error.
    public func batches(of texts: [InputText], for loaded: LoadedModel) throws -> [(inputs: ModelInputs, source: String?)] {
        let inputs = try TextInputs(texts, for: loaded, batchSize: batchSize)
        inputs.notes.forEach(Slimtrace.writeToStandardError)
        return zip(inputs.batches, inputs.sources).map { ($0, $1) }
    }
}
