import Foundation
import Tensor

/// A data file of real batches to feed a model (the `--inputs` of the command line):
///
/// - `.safetensors`: one batch, a tensor per model input (`input_ids`, `attention_mask`, ...),
///   in the file's order;
/// - `.jsonl` (JSON Lines): one batch per line, each a JSON object of input name → nested arrays
///   of numbers, e.g. `{"input_ids": [[101, 2023, 102]], "attention_mask": [[1, 1, 1]]}`.
///   An array holding only integers becomes an i64 tensor, one with any fraction or exponent
///   (`0.5`, `1e-3`) an f32 tensor (`pixel_values`). Ragged arrays, values that are not numbers
///   and empty lines are errors naming the file and the line.
///   Or one text per line to tokenize, `{"text": "..."}`, or a pair, `{"text": "...", "pair": "..."}`:
///   then the file's `texts` hold them and `batches` is empty (a file holds texts or tensors, not both).
///
/// ```swift
/// let file = try InputFile(url: URL(fileURLWithPath: "inputs.jsonl"))
/// try file.check(against: model)      // every batch names only inputs the model takes
/// for batch in file.batches { _ = try model.forward(batch) }
/// ```
public struct InputFile: Sendable {
    /// The file read.
    public let url: URL
    /// The batches, in file order (at least one, unless the file holds texts).
    public let batches: [ModelInputs]
    /// The texts of a JSON Lines file of `{"text": ...}` lines, in file order (empty otherwise).
    public let texts: [InputText]
    /// Where each batch comes from, for messages: `line N` for JSON Lines, nil for safetensors.
    public let locations: [String?]

    /// The extensions `InputFile` reads.
    public static let supportedExtensions = ["safetensors", "jsonl"]

    /// Reads every batch of the file at `url`; throws `InputError.unreadableFile` naming the file
    /// (and the line) when it is missing, of an unknown kind, or malformed.
    public init(url: URL) throws {
        self.url = url
        let path = url.path
        let format = url.pathExtension.lowercased()
        guard InputFile.supportedExtensions.contains(format) else {
            let kind = url.pathExtension.isEmpty ? "a file without an extension" : "a .\(url.pathExtension) file"
            throw InputError.unreadableFile(path: path, detail: "cannot read inputs from \(kind); use .safetensors (one batch of named tensors) or .jsonl (one JSON object of named arrays per line)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError.unreadableFile(path: path, detail: "no such inputs file")
        }
        guard !isDirectory.boolValue else {
            throw InputError.unreadableFile(path: path, detail: "is a folder, not an inputs file (.safetensors or .jsonl)")
        }
        if format == "safetensors" {
            batches = [try InputFile.readSafetensors(url)]
            locations = [nil]
            texts = []
        } else {
            let lines = try InputFile.readJSONLines(url)
            var batches: [ModelInputs] = []
            var texts: [InputText] = []
            for (number, line) in lines {
                switch line {
                case .tensors(let inputs): batches.append(inputs)
                case .text(let text, let pair): texts.append(InputText(text, pair: pair, source: "\(path): line \(number)"))
                }
            }
            self.batches = batches
            self.texts = texts
            locations = lines.filter { !$0.content.isText }.map { "line \($0.line)" }
        }
    }

    /// The batches of the file at `url` (see `init(url:)`).
    public static func read(_ url: URL) throws -> [ModelInputs] {
        try InputFile(url: url).batches
    }

    /// A message prefix naming the file and where batch `index` comes from (`inputs.jsonl, line 2`).
    public func describeBatch(_ index: Int) -> String {
        guard let location = locations[index] else { return url.path }
        return "\(url.path): \(location)"
    }

    // MARK: safetensors

    private static func readSafetensors(_ url: URL) throws -> ModelInputs {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(url: url)
        } catch let FormatError.invalidSafetensors(_, detail) {
            throw InputError.unreadableFile(path: url.path, detail: "not a valid safetensors file: \(detail)")
        } catch let FormatError.io(_, detail) {
            throw InputError.unreadableFile(path: url.path, detail: detail)
        }
        guard !file.names.isEmpty else {
            throw InputError.unreadableFile(path: url.path, detail: "holds no tensors (expected one per model input, e.g. input_ids)")
        }
        return ModelInputs(try file.names.map { ($0, try file.tensor(named: $0)) })
    }

    // MARK: JSON Lines

    private static func readJSONLines(_ url: URL) throws -> [(line: Int, content: JSONBatchParser.Line)] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError.unreadableFile(path: url.path, detail: "cannot be read: \(error.localizedDescription)")
        }
        let bytes = [UInt8](data)
        var batches: [(line: Int, content: JSONBatchParser.Line)] = []
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            lineNumber += 1
            var end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let next = end + 1
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            do {
                var parser = JSONBatchParser(bytes: bytes[start..<end])
                let line = try parser.parseBatch()
                if let first = batches.first?.content, first.isText != line.isText {
                    throw JSONBatchParser.Failure(message: "a \(line.isText ? "text" : "tensor") line after \(first.isText ? "text" : "tensor") lines (a file holds texts or named arrays, not both)")
                }
                batches.append((lineNumber, line))
            } catch let error as JSONBatchParser.Failure {
                throw InputError.unreadableFile(path: url.path, detail: "line \(lineNumber): \(error.message)")
            }
            start = next
        }
        guard !batches.isEmpty else {
            throw InputError.unreadableFile(path: url.path, detail: "holds no batches (expected one JSON object per line, e.g. {\"input_ids\": [[101, 2023, 102]]})")
        }
        return batches
    }
}

/// Parses one JSON Lines batch: an object of input name → number or nested arrays of numbers,
/// recording whether any number is written as a float and rejecting ragged arrays; or a text line,
/// `{"text": "..."}` with an optional `"pair"`.
struct JSONBatchParser {
    struct Failure: Error {
        let message: String
    }

    /// The deepest nesting of arrays read (a tensor's rank); the parser recurses once per level,
    /// so a line of a million `[` must stop here rather than overflow the stack.
    static let maximumRank = 64

    /// What one line holds.
    enum Line {
        case tensors(ModelInputs)
        case text(String, pair: String?)

        var isText: Bool {
            if case .text = self { true } else { false }
        }
    }

    /// The keys of a text line.
    static let textKeys = ["text", "pair"]

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// One-based column of the current position (for messages).
    private var column: Int { position - bytes.startIndex + 1 }

    mutating func parseBatch() throws -> Line {
        skipWhitespace()
        guard position < bytes.endIndex else {
            throw Failure(message: "empty line (each line must be one JSON object, e.g. {\"input_ids\": [[101, 2023, 102]]})")
        }
        guard bytes[position] == UInt8(ascii: "{") else {
            throw Failure(message: "column \(column): expected a JSON object of input name → array of numbers, found \(describeHere())")
        }
        position += 1
        var entries: [(name: String, tensor: Tensor)] = []
        var strings: [(name: String, value: String)] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            throw Failure(message: "the object names no inputs (expected e.g. {\"input_ids\": [[101, 2023, 102]]})")
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw Failure(message: "column \(column): expected an input name in double quotes, found \(describeHere())")
            }
            let name = try parseString()
            if entries.contains(where: { $0.name == name }) || strings.contains(where: { $0.name == name }) {
                throw Failure(message: "input \"\(name)\" appears twice")
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw Failure(message: "column \(column): expected ':' after \"\(name)\", found \(describeHere())")
            }
            position += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "\"") {
                guard JSONBatchParser.textKeys.contains(name) else {
                    throw Failure(message: "column \(column): the value of \"\(name)\" is a string; only \"text\" and \"pair\" hold text (inputs are numbers or nested arrays of numbers)")
                }
                strings.append((name, try parseString()))
            } else {
                entries.append((name, try parseTensor(name: name)))
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                skipWhitespace()
                guard position == bytes.endIndex else {
                    throw Failure(message: "column \(column): unexpected \(describeHere()) after the object (one batch per line)")
                }
                return try line(entries: entries, strings: strings)
            default:
                throw Failure(message: "column \(column): expected ',' or '}' after the value of \"\(name)\", found \(describeHere())")
            }
        }
    }

    /// The tensors of the line, or its text: a text line holds `"text"` and optionally `"pair"`, nothing else.
    private func line(entries: [(name: String, tensor: Tensor)], strings: [(name: String, value: String)]) throws -> Line {
        guard !strings.isEmpty else { return .tensors(ModelInputs(entries)) }
        if let tensor = entries.first {
            throw Failure(message: "\"\(tensor.name)\" beside \"\(strings[0].name)\": a line holds a text ({\"text\": ..., \"pair\": ...}) or named arrays, not both")
        }
        guard let text = strings.first(where: { $0.name == "text" })?.value else {
            throw Failure(message: "\"pair\" without \"text\" (a text line is {\"text\": \"...\"} or {\"text\": \"...\", \"pair\": \"...\"})")
        }
        return .text(text, pair: strings.first { $0.name == "pair" }?.value)
    }

    // MARK: Values

    /// The elements and shape of one input while it is parsed.
    private struct Collector {
        var integers: [Int] = []
        var floats: [Float] = []
        var isFloat = false
        /// Length of the arrays at each depth (set by the first one closed there).
        var lengths: [Int?] = []
        /// Depth of the numbers (set by the first one).
        var leafDepth: Int?
        /// Deepest array opened so far.
        var deepestArray = -1
    }

    private mutating func parseTensor(name: String) throws -> Tensor {
        skipWhitespace()
        var collector = Collector()
        try parseValue(depth: 0, name: name, into: &collector)
        let rank = collector.leafDepth ?? collector.lengths.count
        let shape = collector.lengths.prefix(rank).map { $0 ?? 0 }
        if collector.isFloat {
            return try Tensor(collector.floats, shape: shape)
        }
        return try Tensor(integers: collector.integers, shape: shape, dtype: .i64)
    }

    private mutating func parseValue(depth: Int, name: String, into collector: inout Collector) throws {
        skipWhitespace()
        guard let byte = peek() else {
            throw Failure(message: "the line ends inside the value of \"\(name)\"")
        }
        if byte == UInt8(ascii: "[") {
            if let leaf = collector.leafDepth, depth >= leaf {
                throw raggedFailure(name: name)
            }
            guard depth < Self.maximumRank else {
                throw Failure(message: "column \(column): \"\(name)\" nests arrays more than \(Self.maximumRank) deep")
            }
            collector.deepestArray = max(collector.deepestArray, depth)
            if collector.lengths.count <= depth { collector.lengths.append(contentsOf: repeatElement(nil, count: depth + 1 - collector.lengths.count)) }
            position += 1
            var count = 0
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                position += 1
            } else {
                while true {
                    try parseValue(depth: depth + 1, name: name, into: &collector)
                    count += 1
                    skipWhitespace()
                    switch peek() {
                    case UInt8(ascii: ","): position += 1
                    case UInt8(ascii: "]"): position += 1
                    default:
                        throw Failure(message: "column \(column): expected ',' or ']' in the value of \"\(name)\", found \(describeHere())")
                    }
                    if bytes[position - 1] == UInt8(ascii: "]") { break }
                }
            }
            if let known = collector.lengths[depth] {
                guard known == count else {
                    throw Failure(message: "\"\(name)\" is ragged: arrays at depth \(depth + 1) have \(known) and \(count) elements (every row must have the same length)")
                }
            } else {
                collector.lengths[depth] = count
            }
            return
        }
        if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            if collector.deepestArray >= depth || (collector.leafDepth.map { $0 != depth } ?? false) {
                throw raggedFailure(name: name)
            }
            collector.leafDepth = depth
            try parseNumber(name: name, into: &collector)
            return
        }
        throw Failure(message: "column \(column): the value of \"\(name)\" holds \(describeHere()), not a number (inputs are numbers or nested arrays of numbers)")
    }

    private func raggedFailure(name: String) -> Failure {
        Failure(message: "\"\(name)\" is ragged: it mixes numbers and arrays at the same depth (every row must have the same shape)")
    }

    private mutating func parseNumber(name: String, into collector: inout Collector) throws {
        let start = position
        var isFloat = false
        if peek() == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while let byte = peek(), isDigit(byte) { position += 1 }
        var valid = position > digitsStart
        if peek() == UInt8(ascii: ".") {
            isFloat = true
            position += 1
            let fractionStart = position
            while let byte = peek(), isDigit(byte) { position += 1 }
            valid = valid && position > fractionStart
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isFloat = true
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            let exponentStart = position
            while let byte = peek(), isDigit(byte) { position += 1 }
            valid = valid && position > exponentStart
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard valid else {
            throw Failure(message: "column \(start - bytes.startIndex + 1): \"\(text)\" in the value of \"\(name)\" is not a number")
        }
        if isFloat {
            guard let value = Double(text), value.isFinite else {
                throw Failure(message: "column \(start - bytes.startIndex + 1): \"\(text)\" in the value of \"\(name)\" is not a finite number")
            }
            if !collector.isFloat {
                collector.isFloat = true
                collector.floats = collector.integers.map(Float.init)
                collector.integers = []
            }
            collector.floats.append(Float(value))
        } else {
            guard let value = Int(text) else {
                throw Failure(message: "column \(start - bytes.startIndex + 1): integer \(text) in the value of \"\(name)\" does not fit in 64 bits")
            }
            if collector.isFloat {
                collector.floats.append(Float(value))
            } else {
                collector.integers.append(value)
            }
        }
    }

    // MARK: Strings and helpers

    private mutating func parseString() throws -> String {
        let start = position
        position += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var pendingHighSurrogate: UInt32?
        var raw: [UInt8] = []
        func flushRaw() {
            if !raw.isEmpty {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw = []
            }
        }
        while let byte = peek() {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                flushRaw()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flushRaw()
                guard let escape = peek() else { break }
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.endIndex,
                          let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
                        throw Failure(message: "column \(column): malformed \\u escape in a string")
                    }
                    position += 4
                    if (0xD800...0xDBFF).contains(code) {
                        pendingHighSurrogate = code
                        continue
                    }
                    var value = code
                    if let high = pendingHighSurrogate, (0xDC00...0xDFFF).contains(code) {
                        value = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                    }
                    scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                default:
                    throw Failure(message: "column \(column - 1): invalid escape \\\(Character(Unicode.Scalar(escape))) in a string")
                }
                pendingHighSurrogate = nil
            default:
                raw.append(byte)
            }
        }
        throw Failure(message: "column \(start - bytes.startIndex + 1): a string is not closed before the end of the line")
    }

    private func peek() -> UInt8? {
        position < bytes.endIndex ? bytes[position] : nil
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
            position += 1
        }
    }

    /// What is at the current position, for messages (`'x'`, `a string`, `the end of the line`).
    private func describeHere() -> String {
        guard let byte = peek() else { return "the end of the line" }
        switch byte {
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return bytes[position...].starts(with: Array("true".utf8)) || bytes[position...].starts(with: Array("false".utf8))
                ? "a boolean" : "'\(Character(Unicode.Scalar(byte)))'"
        case UInt8(ascii: "n"):
            return bytes[position...].starts(with: Array("null".utf8)) ? "null" : "'n'"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "byte 0x\(String(byte, radix: 16))"
        }
    }
}
