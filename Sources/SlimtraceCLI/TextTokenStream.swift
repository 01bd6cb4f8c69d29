import Foundation
import Prune
import Tokenizers

/// A text file tokenised as one stream by the checkpoint's own `tokenizer.json`, without special
/// tokens (as `tokenizer(text, add_special_tokens=False)`), and cut into windows: the input of
/// `prune --calibration` and `eval --text-file`.
enum TextTokenStream {
    /// The windows of `file` for the checkpoint in `model`.
    static func windows(file: String, model: URL, length: Int, stride: Int, samples: Int?) throws -> TokenWindows {
        let tokenizer = try Tokenizer(contentsOf: model.appendingPathComponent("tokenizer.json"))
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw CLIError.cannotRead(path: file, detail: error.localizedDescription)
        }
        let ids = try tokenizer.encode(text, addSpecialTokens: false).ids
        return try TokenWindows(ids: ids, length: length, stride: stride, samples: samples, source: file)
    }
}
