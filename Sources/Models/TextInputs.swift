import Formats
import Tensor
import Tokenizers

/// Texts made into a model's token batches, as transformers' `tokenizer(texts, pairs,
/// padding=True, truncation=True, max_length=..., return_tensors="pt")` makes them and the model
/// takes them: `input_ids`, `attention_mask` and, for a model that takes them, `token_type_ids`,
/// all int64 `[texts in the batch, longest]`.
///
/// - Texts go `batchSize` at a time, in order; each batch is padded to its longest encoding with
///   the tokenizer's pad token on its padding side (the attention mask is 0 there). A tokenizer
///   without a pad token (GPT-2, LLaMA) pads with its eos token, as the usual
///   `tokenizer.pad_token = tokenizer.eos_token` recipe does, and `notes` says so; with neither,
///   a batch that needs padding is an error.
/// - A text (or pair) longer than the model's positions (`model_max_length` of the tokenizer and
///   `max_position_embeddings` of the config, whichever is smaller) is truncated to it, longest
///   sequence first, and `notes` names it.
public struct TextInputs {
    /// Texts per batch when the caller does not say.
    public static let defaultBatchSize = 8

    /// The batches, in text order.
    public let batches: [ModelInputs]
    /// Where each batch's texts come from (`--text 1 ... --text 3`), for messages.
    public let sources: [String]
    /// One-line warnings for the user: truncated texts, padding with the eos token.
    public let notes: [String]

    /// Tokenizes `texts` for a loaded checkpoint with the tokenizer in its folder
    /// (`Tokenizer(checkpoint:config:)`).
    public init(_ texts: [InputText], for loaded: LoadedModel, batchSize: Int = TextInputs.defaultBatchSize) throws {
        let config = try ConfigFile(url: loaded.directory.appendingPathComponent("config.json"))
        let tokenizer = try Tokenizer(checkpoint: loaded.directory, config: config)
        try self.init(texts, tokenizer: tokenizer, model: loaded.model, config: config, batchSize: batchSize)
    }

    /// Tokenizes `texts` for `model` (whose `config` gives the positions it embeds).
    public init(_ texts: [InputText], tokenizer: Tokenizer, model: any TransformerModel, config: ConfigFile,
                batchSize: Int = TextInputs.defaultBatchSize) throws {
        guard model.inputSpecs.contains(where: { $0.name == "input_ids" }) else {
            throw ModelError.invalidInput(name: "text", detail: "\(model.typeName) takes no token ids (its inputs: \(model.inputSpecs.map(\.name).joined(separator: ", ")))")
        }
        guard batchSize > 0 else { throw ModelError.invalidInput(name: "text", detail: "the batch size must be at least 1, got \(batchSize)") }
        let limit = [tokenizer.modelMaxLength, config.maxPositions].compactMap { $0 }.min()
        var encodings: [Encoding] = []
        var truncated: [String] = []
        for text in texts {
            var encoding = try tokenizer.encode(text.text, pair: text.pair)
            if let limit, encoding.count > limit {
                var truncating = tokenizer
                truncating.truncation = TruncationParameters(maxLength: limit)
                encoding = try truncating.encode(text.text, pair: text.pair)
                truncated.append(text.source)
            }
            guard encoding.count > 0 else {
                throw ModelError.invalidInput(name: "text", detail: "\(text.source) encodes to no tokens")
            }
            encodings.append(encoding)
        }
        var notes: [String] = []
        if let limit, !truncated.isEmpty {
            notes.append("warning: truncated to \(limit) tokens (the model's maximum positions): \(truncated.joined(separator: ", "))")
        }
        let takesTypes = model.inputSpecs.contains { $0.name == "token_type_ids" }
        var batches: [ModelInputs] = []
        var sources: [String] = []
        for start in stride(from: 0, to: encodings.count, by: batchSize) {
            let range = start..<min(start + batchSize, encodings.count)
            var batch = Array(encodings[range])
            if Set(batch.map(\.count)).count > 1 {
                let (padding, note) = try TextInputs.padding(of: tokenizer, source: texts[range.lowerBound].source)
                padding.pad(&batch)
                if let note, !notes.contains(note) { notes.append(note) }
            }
            batches.append(try TextInputs.tensors(batch, withTypes: takesTypes))
            let first = texts[range.lowerBound].source
            sources.append(range.count == 1 ? first : "\(first) ... \(texts[range.upperBound - 1].source)")
        }
        self.batches = batches
        self.sources = sources
        self.notes = notes
    }

    /// The padding of batches: the tokenizer's own, its pad token, or else its eos token with a note.
    private static func padding(of tokenizer: Tokenizer, source: String) throws -> (PaddingParameters, note: String?) {
        if let padding = tokenizer.padding { return (padding, nil) }
        if let token = tokenizer.padToken, let id = tokenizer.id(of: token) {
            return (PaddingParameters(side: tokenizer.paddingSide, padId: id, padToken: token), nil)
        }
        if let token = tokenizer.eosToken, let id = tokenizer.id(of: token) {
            let note = "note: the tokenizer has no pad token; batches are padded with the eos token '\(token)' (masked out), as transformers' tokenizer.pad_token = tokenizer.eos_token"
            return (PaddingParameters(side: tokenizer.paddingSide, padId: id, padToken: token), note)
        }
        throw ModelError.invalidInput(name: "text", detail: "the batch from \(source) holds texts of different lengths, but the tokenizer has neither a pad nor an eos token to pad with (use batches of one text)")
    }

    /// `input_ids`, `attention_mask` and, when asked, `token_type_ids` of equally long encodings.
    private static func tensors(_ batch: [Encoding], withTypes: Bool) throws -> ModelInputs {
        let shape = [batch.count, batch[0].count]
        var entries = [
            (name: "input_ids", tensor: try Tensor(integers: batch.flatMap(\.ids), shape: shape, dtype: .i64)),
            (name: "attention_mask", tensor: try Tensor(integers: batch.flatMap(\.attentionMask), shape: shape, dtype: .i64)),
        ]
        if withTypes {
            entries.append((name: "token_type_ids", tensor: try Tensor(integers: batch.flatMap(\.typeIds), shape: shape, dtype: .i64)))
        }
        return ModelInputs(entries)
    }
}
