import Formats
import Foundation
import Prune
import Tensor
import Tokenizers

/// A text file tokenised as one stream by the checkpoint's own `tokenizer.json`, without special
/// tokens, truncation or padding (as `tokenizer(text, add_special_tokens=False)`), and cut into
/// windows: the input of `prune --calibration` and `eval --text-file`.
enum TextTokenStream {
    /// The windows of `file` for the checkpoint in `model`.
    static func windows(file: String, model: URL, length: Int, stride: Int, samples: Int?) throws -> TokenWindows {
        var tokenizer = try Tokenizer(contentsOf: model.appendingPathComponent("tokenizer.json"))
        // A stream is cut into windows, never truncated or padded (a tokenizer.json may set both,
        // as all-MiniLM-L6-v2's truncates to 128 tokens).
        tokenizer.truncation = nil
        tokenizer.padding = nil
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw CLIError.cannotRead(path: file, detail: error.localizedDescription)
        }
        let ids = try tokenizer.encode(text, addSpecialTokens: false).ids
        return try TokenWindows(ids: ids, length: length, stride: stride, samples: samples, source: file)
    }

    /// The non-empty lines of `file` from its start, each one batch (`input_ids` `[1, n]`, never
    /// padded, whatever the tokenizer.json says) encoded with the special tokens as the model sees a text (`tokenizer(line)`, the
    /// tokenizer.json's own truncation), until `tokens` tokens are reached.
    static func lines(file: String, model: URL, tokens: Int) throws -> [ModelInputs] {
        var tokenizer = try Tokenizer(contentsOf: model.appendingPathComponent("tokenizer.json"))
        tokenizer.padding = nil
        var batches: [ModelInputs] = []
        var total = 0
        for line in try InputText.lines(of: URL(fileURLWithPath: file)) where total < tokens {
            let ids = try tokenizer.encode(line.text).ids
            guard !ids.isEmpty else { continue }
            batches.append(ModelInputs([("input_ids", try Tensor(integers: ids, shape: [1, ids.count]))]))
            total += ids.count
        }
        return batches
    }
}
