import Foundation
import Testing
@testable import Tokenizers

/// A malformed `tokenizer.json` is a typed, one-line error naming what is wrong, never a crash or a
/// silently different tokenizer.
@Suite struct LoadingErrorTests {
    /// A minimal BPE tokenizer.json with the given model fields and extra top-level members.
    static func bpe(merges: String = #"["a b"]"#, dropout: String = "null", extra: String = "") -> [UInt8] {
        Array("""
        {"version": "1.0", \(extra) "model": {"type": "BPE", "dropout": \(dropout), "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": \(merges)}}
        """.utf8)
    }

    static func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return (error as? LocalizedError)?.errorDescription ?? "\(error)"
        }
    }

    @Test func aMinimalFileLoadsAndEncodes() throws {
        let tokenizer = try Tokenizer(json: Self.bpe())
        #expect(try tokenizer.encode("ab").ids == [2])
    }

    @Test func notJSONIsAnErrorNamingTheOffset() {
        let message = Self.message { _ = try Tokenizer(json: Array("{\"model\": [1, 2,".utf8)) }
        #expect(message.hasPrefix("not a tokenizer.json"))
        #expect(message.contains("byte"))
        #expect(!message.contains("\n"))
    }

    @Test func unknownComponentTypesAreNamed() {
        #expect(Self.message { _ = try Tokenizer(json: Array(#"{"model": {"type": "Magic", "vocab": {}}}"#.utf8)) } == "unsupported model type 'Magic'")
        #expect(Self.message { _ = try Tokenizer(json: Self.bpe(extra: #""normalizer": {"type": "Shout"},"#)) } == "unsupported normalizer type 'Shout'")
        #expect(Self.message { _ = try Tokenizer(json: Self.bpe(extra: #""pre_tokenizer": {"type": "Chop"},"#)) } == "unsupported pre-tokenizer type 'Chop'")
        #expect(Self.message { _ = try Tokenizer(json: Self.bpe(extra: #""post_processor": {"type": "Wrap"},"#)) } == "unsupported post-processor type 'Wrap'")
        #expect(Self.message { _ = try Tokenizer(json: Self.bpe(extra: #""decoder": {"type": "Unwrap"},"#)) } == "unsupported decoder type 'Unwrap'")
    }

    @Test func mergesNamingUnknownTokensAreErrors() {
        #expect(Self.message { _ = try Tokenizer(json: Self.bpe(merges: #"["a c"]"#)) } == "BPE merges: token 'c' is not in the vocabulary")
        #expect(Self.message { _ = try Tokenizer(json: Self.bpe(merges: #"[["b", "a"]]"#)) } == "BPE merges: token 'ba' is not in the vocabulary")
        #expect(Self.message { _ = try Tokenizer(json: Self.bpe(merges: #"["a b c"]"#)) }.contains("merge 1"))
    }

    @Test func bpeDropoutIsUnsupported() {
        #expect(Self.message { _ = try Tokenizer(json: Self.bpe(dropout: "0.1")) }.hasPrefix("unsupported BPE dropout"))
        #expect(throws: Never.self) { try Tokenizer(json: Self.bpe(dropout: "0.0")) }
    }

    @Test func idsBeyondTheEmbeddingSizeAreNamed() throws {
        let tokenizer = try Tokenizer(json: Self.bpe(extra: #""added_tokens": [{"id": 3, "content": "<x>", "special": true}],"#))
        #expect(throws: Never.self) { try tokenizer.validate(embeddingSize: 4) }
        #expect(Self.message { try tokenizer.validate(embeddingSize: 3) } == "token '<x>' has id 3, beyond the embedding size 3")
    }

    @Test func missingFilesAndBadFilesNameThePath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(Self.message { _ = try Tokenizer(contentsOf: folder) } == "no tokenizer.json at \(folder.path)")
        try Data("nonsense".utf8).write(to: folder.appendingPathComponent("tokenizer.json"))
        #expect(Self.message { _ = try Tokenizer(contentsOf: folder) }.hasPrefix(folder.appendingPathComponent("tokenizer.json").path + ": not a tokenizer.json"))
    }

    @Test func encodingErrorsAreTyped() throws {
        var tokenizer = try Tokenizer(json: Self.bpe())
        tokenizer.truncation = TruncationParameters(maxLength: 1, strategy: .onlySecond)
        #expect(Self.message { _ = try tokenizer.encode("abab") } == "truncation: strategy OnlySecond needs a pair")
        let wordPiece = try Tokenizer(json: Array(#"{"model": {"type": "WordPiece", "vocab": {"a": 0}}}"#.utf8))
        #expect(Self.message { _ = try wordPiece.encode("b") } == "WordPiece: a word needs the unknown token, but the model has none in its vocabulary")
    }
}
