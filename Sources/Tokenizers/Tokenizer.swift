/// A tokenizer built from a `tokenizer.json`: Hugging Face `tokenizers`' `Tokenizer`, giving the same
/// ids, tokens, type ids, offsets (in characters, as Python's) and masks, and decoding ids to text.
public struct Tokenizer: Sendable {
    let model: Model
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let postProcessor: PostProcessor?
    let decoder: Decoder?
    let addedVocabulary: AddedVocabulary
    /// Truncation applied by `encode`, from the file's `truncation` section unless changed.
    public var truncation: TruncationParameters?
    /// Padding applied by `encode` and `encodeBatch`, from the file's `padding` section unless changed.
    public var padding: PaddingParameters?
    /// Whether `encode` adds the post-processor's special tokens when not told.
    public var addSpecialTokensByDefault = true
    /// The longest input the model takes (`model_max_length` of `tokenizer_config.json`), if known.
    public var modelMaxLength: Int?
    /// The token transformers pads batches with (`pad_token` of `tokenizer_config.json`), if any.
    public var padToken: String?
    /// The end-of-sequence token (`eos_token` of `tokenizer_config.json`), if any.
    public var eosToken: String?
    /// The side transformers pads on (`padding_side` of `tokenizer_config.json`; right by default).
    public var paddingSide: PaddingParameters.Side = .right

    /// The vocabulary size with the added tokens (`get_vocab_size(with_added_tokens=True)`).
    public var vocabularySize: Int {
        var ids = Set(model.entries.map(\.id))
        ids.formUnion(addedVocabulary.tokens.keys)
        return ids.count
    }

    /// The id of a token, added tokens first (`token_to_id`).
    public func id(of token: String) -> Int? {
        addedVocabulary.id(token) ?? model.id(token)
    }

    /// The token of an id, added tokens first (`id_to_token`).
    public func token(of id: Int) -> String? {
        addedVocabulary.token(id) ?? model.token(id)
    }

    /// Encodes a text, or a pair of texts (`encode`): added tokens split out, normalization,
    /// pre-tokenization, the model, truncation, the post-processor, padding.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool? = nil) throws -> Encoding {
        var encoding = try encodeSequence(text, typeId: 0)
        let pairEncoding = try pair.map { try encodeSequence($0, typeId: 1) }
        encoding = try postProcess(encoding, pairEncoding, addSpecialTokens: addSpecialTokens ?? addSpecialTokensByDefault)
        if let padding {
            var batch = [encoding]
            padding.pad(&batch)
            encoding = batch[0]
        }
        return encoding
    }

    /// Encodes several texts, padded together when padding is set (`encode_batch`).
    public func encodeBatch(_ texts: [String], addSpecialTokens: Bool? = nil) throws -> [Encoding] {
        var encodings = try texts.map { text in
            try postProcess(try encodeSequence(text, typeId: 0), nil, addSpecialTokens: addSpecialTokens ?? addSpecialTokensByDefault)
        }
        padding?.pad(&encodings)
        return encodings
    }

    /// The text of token ids (`decode`); ids of no token are skipped, as are special tokens when asked.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        let tokens = ids.compactMap(token(of:)).filter { !skipSpecialTokens || !addedVocabulary.isSpecial($0) }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decode(tokens)
    }

    /// Checks that every token id fits an embedding matrix of `embeddingSize` rows.
    public func validate(embeddingSize: Int) throws {
        let entries = model.entries + addedVocabulary.tokens.map { ($0.value.content, $0.key) }
        if let beyond = entries.filter({ $0.id >= embeddingSize }).min(by: { $0.id < $1.id }) {
            throw TokenizerError.idBeyondVocabulary(token: beyond.token, id: beyond.id, limit: embeddingSize)
        }
    }

    /// One sequence through added tokens, normalizer, pre-tokenizer and model (`encode_single_sequence`).
    private func encodeSequence(_ text: String, typeId: Int) throws -> Encoding {
        var pieces = addedVocabulary.extractAndNormalize(text, normalizer: normalizer)
        preTokenizer?.preTokenize(&pieces)
        try pieces.tokenize(with: model)
        return pieces.encoding(typeId: typeId, offsets: CharacterOffsets(text))
    }

    /// Truncation, then the post-processor or the plain concatenation of a pair (`post_process`).
    private func postProcess(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool) throws -> Encoding {
        var first = first
        var second = second
        if var truncation {
            let added = postProcessor?.addedTokens(pair: second != nil) ?? 0
            if addSpecialTokens, added > 0 { truncation.maxLength = max(0, truncation.maxLength - added) }
            try truncation.truncate(&first, &second)
        }
        guard let postProcessor else {
            if let second { first.append(contentsOf: second) }
            return first
        }
        var encodings = [first] + (second.map { [$0] } ?? [])
        for index in encodings.indices { encodings[index].setTypeIds(index) }
        var result = Encoding()
        for encoding in postProcessor.process(encodings, addSpecialTokens: addSpecialTokens) { result.append(contentsOf: encoding) }
        return result
    }
}
