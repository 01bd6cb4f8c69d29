import Foundation

/// The `decoder` of a `tokenizer.json`: Hugging Face `tokenizers`' `decoders` module, which turns
/// tokens back into text. String operations work on bytes, as Rust's do.
indirect enum Decoder: Sendable {
    /// `decoders.ByteLevel`.
    case byteLevel
    /// `decoders.WordPiece`.
    case wordPiece(prefix: String, cleanup: Bool)
    /// `decoders.Metaspace`.
    case metaspace(replacement: Unicode.Scalar, prependScheme: PreTokenizer.PrependScheme)
    /// `decoders.BPEDecoder`.
    case bpe(suffix: String)
    /// `decoders.ByteFallback`.
    case byteFallback
    /// `decoders.Fuse`.
    case fuse
    /// `decoders.Strip`.
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    /// `decoders.Replace`.
    case replace(TextPattern, content: String)
    /// `decoders.CTC`.
    case ctc(padToken: String, wordDelimiter: String, cleanup: Bool)
    /// `decoders.Sequence`.
    case sequence([Decoder])

    init(json: JSONValue) throws {
        let type = json["type"]?.string ?? ""
        switch type {
        case "ByteLevel": self = .byteLevel
        case "WordPiece": self = .wordPiece(prefix: json["prefix"]?.string ?? "##", cleanup: json["cleanup"]?.bool ?? true)
        case "Metaspace":
            guard let text = json["replacement"]?.string, text.unicodeScalars.count == 1, let replacement = text.unicodeScalars.first else {
                throw TokenizerError.invalid(component: "Metaspace decoder", reason: "'replacement' is not one character")
            }
            let scheme: PreTokenizer.PrependScheme
            if let name = json["prepend_scheme"]?.string {
                guard let known = PreTokenizer.PrependScheme(rawValue: name) else {
                    throw TokenizerError.invalid(component: "Metaspace decoder", reason: "unknown prepend_scheme '\(name)'")
                }
                scheme = known
            } else {
                scheme = json["add_prefix_space"]?.bool == false ? .never : .always
            }
            self = .metaspace(replacement: replacement, prependScheme: scheme)
        case "BPEDecoder": self = .bpe(suffix: json["suffix"]?.string ?? "</w>")
        case "ByteFallback": self = .byteFallback
        case "Fuse": self = .fuse
        case "Strip":
            guard let text = json["content"]?.string, text.unicodeScalars.count == 1, let content = text.unicodeScalars.first else {
                throw TokenizerError.invalid(component: "Strip decoder", reason: "'content' is not one character")
            }
            self = .strip(content: content, start: json["start"]?.int ?? 0, stop: json["stop"]?.int ?? 0)
        case "Replace":
            self = .replace(try TextPattern(json: json["pattern"], component: "Replace decoder"), content: json["content"]?.string ?? "")
        case "CTC":
            self = .ctc(
                padToken: json["pad_token"]?.string ?? "<pad>", wordDelimiter: json["word_delimiter_token"]?.string ?? "|",
                cleanup: json["cleanup"]?.bool ?? true
            )
        case "Sequence":
            guard let list = json["decoders"]?.array else { throw TokenizerError.invalid(component: "Sequence decoder", reason: "'decoders' is missing") }
            self = .sequence(try list.map(Decoder.init(json:)))
        default:
            throw TokenizerError.unsupported(component: "decoder", type: type)
        }
    }

    /// The text of the tokens (`decode`: the chain, joined).
    func decode(_ tokens: [String]) -> String {
        decodeChain(tokens).joined()
    }

    /// Each decoder's step on the token list (`decode_chain`).
    func decodeChain(_ tokens: [String]) -> [String] {
        switch self {
        case .byteLevel:
            var bytes: [UInt8] = []
            for token in tokens {
                let mapped = token.unicodeScalars.compactMap(ByteLevel.byte(of:))
                if mapped.count == token.unicodeScalars.count { bytes += mapped } else { bytes += token.utf8 }
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case .wordPiece(let prefix, let cleanup):
            return tokens.enumerated().map { index, token in
                var token = token
                if index != 0 {
                    if token.utf8.starts(with: prefix.utf8) {
                        token = String(utf8Bytes: token.utf8.dropFirst(prefix.utf8.count))
                    } else {
                        token = " " + token
                    }
                }
                return cleanup ? Self.cleanup(token) : token
            }
        case .metaspace(let replacement, let scheme):
            return tokens.enumerated().map { index, token in
                var scalars = String.UnicodeScalarView()
                for scalar in token.unicodeScalars {
                    if scalar != replacement {
                        scalars.append(scalar)
                    } else if !(index == 0 && scheme != .never) {
                        scalars.append(" ")
                    }
                }
                return String(scalars)
            }
        case .bpe(let suffix):
            return tokens.enumerated().map { index, token in
                token.replacingBytes(suffix, with: index == tokens.count - 1 ? "" : " ")
            }
        case .byteFallback:
            return Self.fallBack(tokens)
        case .fuse:
            return [tokens.joined()]
        case .strip(let content, let start, let stop):
            return tokens.map { token in
                let scalars = Array(token.unicodeScalars)
                var startCut = 0
                for index in 0..<min(start, scalars.count) {
                    guard scalars[index] == content else { break }
                    startCut = index + 1
                }
                var stopCut = scalars.count
                for offset in 0..<min(stop, scalars.count) {
                    let index = scalars.count - offset - 1
                    guard scalars[index] == content else { break }
                    stopCut = index
                }
                guard startCut < stopCut else { return "" }
                return String(String.UnicodeScalarView(scalars[startCut..<stopCut]))
            }
        case .replace(let pattern, let content):
            return tokens.map { token in
                let bytes = Array(token.utf8)
                var result: [UInt8] = []
                for match in pattern.matches(in: bytes) {
                    if match.isMatch { result += content.utf8 } else { result += bytes[match.start..<match.end] }
                }
                return String(utf8Bytes: result)
            }
        case .ctc(let padToken, let wordDelimiter, let cleanup):
            var result: [String] = []
            var previous: String?
            for token in tokens {
                defer { previous = token }
                if let previous, previous.utf8.elementsEqual(token.utf8) { continue }
                var replaced = token.replacingBytes(padToken, with: "")
                if cleanup { replaced = Self.cleanup(replaced).replacingBytes(wordDelimiter, with: " ") }
                if !replaced.isEmpty { result.append(replaced) }
            }
            return result
        case .sequence(let decoders):
            return decoders.reduce(tokens) { $1.decodeChain($0) }
        }
    }

    /// WordPiece's `cleanup`: no space before punctuation and English contractions.
    static func cleanup(_ text: String) -> String {
        let replacements = [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
                            (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")]
        return replacements.reduce(text) { $0.replacingBytes($1.0, with: $1.1) }
    }

    /// Runs of `<0xNN>` tokens become their UTF-8 text, or one U+FFFD per byte if invalid.
    private static func fallBack(_ tokens: [String]) -> [String] {
        var result: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let text = String(bytes: pending, encoding: .utf8) {
                result.append(text)
            } else {
                result += repeatElement("\u{FFFD}", count: pending.count)
            }
            pending = []
        }
        for token in tokens {
            let bytes = Array(token.utf8)
            if bytes.count == 6, bytes.starts(with: Array("<0x".utf8)), bytes[5] == UInt8(ascii: ">"),
               let byte = UInt8(String(utf8Bytes: bytes[3..<5]), radix: 16) {
                pending.append(byte)
            } else {
                flush()
                result.append(token)
            }
        }
        flush()
        return result
    }
}

extension String {
    /// Replaces every non-overlapping occurrence of `target`, comparing bytes (Rust's `str::replace`).
    func replacingBytes(_ target: String, with replacement: String) -> String {
        let targetBytes = Array(target.utf8)
        guard !targetBytes.isEmpty else { return self }
        let bytes = Array(utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        var replaced = false
        while index < bytes.count {
            if bytes.count - index >= targetBytes.count, bytes[index] == targetBytes[0],
               bytes[index..<index + targetBytes.count].elementsEqual(targetBytes) {
                result += replacement.utf8
                index += targetBytes.count
                replaced = true
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return replaced ? String(utf8Bytes: result) : self
    }
}
