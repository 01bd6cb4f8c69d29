import Foundation
import Tokenizers

extension Tokenizer {
    /// The tokenizer a checkpoint folder ships, as transformers' `AutoTokenizer.from_pretrained`
    /// finds it: `tokenizer.json` beside `config.json` (and `tokenizer_config.json`, if there).
    /// Every token id must fit the model's embedding (`vocab_size` of `config.json`): a token
    /// beyond it is an error naming the token and the file.
    public init(checkpoint directory: URL, config: ConfigFile) throws {
        let file = directory.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ModelError.missingFile(path: directory.path, detail: "no tokenizer.json in this checkpoint folder (text inputs need the model's tokenizer)")
        }
        try self.init(contentsOf: file)
        guard let embeddingSize = config.vocabularySize else { return }
        do {
            try validate(embeddingSize: embeddingSize)
        } catch let error as TokenizerError {
            throw TokenizerError.inFile(path: file.path, error)
        }
    }
}
