import Foundation

/// One text to tokenize and feed a model, optionally with a second text (a pair, as transformers'
/// `tokenizer(text, text_pair)` takes it), and where it came from for messages.
public struct InputText: Sendable, Equatable {
    public let text: String
    public let pair: String?
    /// Where the text came from: `--text 2`, `texts.txt: line 3`, `inputs.jsonl: line 1`.
    public let source: String

    public init(_ text: String, pair: String? = nil, source: String) {
        self.text = text
        self.pair = pair
        self.source = source
    }

    /// The texts of a text file, one per line (the `--text-file` of the command line). Line ends
    /// (`\n` or `\r\n`) are not part of a text and empty lines are skipped. Bytes that are not UTF-8
    /// become U+FFFD replacement characters, as Python's `open(path, errors="replace")` reads them:
    /// any bytes can be read, and none is dropped silently. Throws `InputError.unreadableFile`
    /// naming the file when it is missing, a folder, or holds no text.
    public static func lines(of url: URL) throws -> [InputText] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw InputError.unreadableFile(path: url.path, detail: "no such text file")
        }
        guard !isDirectory.boolValue else {
            throw InputError.unreadableFile(path: url.path, detail: "is a folder, not a text file (one text per line)")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError.unreadableFile(path: url.path, detail: "cannot be read: \(error.localizedDescription)")
        }
        var texts: [InputText] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let content = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            guard !content.isEmpty else { continue }
            texts.append(InputText(String(decoding: content, as: UTF8.self), source: "\(url.path): line \(index + 1)"))
        }
        guard !texts.isEmpty else {
            throw InputError.unreadableFile(path: url.path, detail: "holds no text (expected one text per line)")
        }
        return texts
    }
}
