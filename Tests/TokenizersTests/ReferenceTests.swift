import Foundation
import Testing
@testable import Tokenizers

/// Every reference case gives exactly what Hugging Face `tokenizers` gives: ids, tokens, type ids,
/// character offsets, masks, pairs, encodings without special tokens, truncation, batch padding and decodes.
@Suite struct ReferenceTests {
    @Test(arguments: ReferenceCase.all)
    func encodingsEqualHuggingFace(_ reference: ReferenceCase) throws {
        let tokenizer = try reference.tokenizer()
        for record in try reference.expected().records("encodings") {
            let text = record["text"] as? String ?? ""
            let encoding = try tokenizer.encode(text)
            #expect(encoding.ids == record.ints("ids"), "ids of \(text.debugDescription)")
            if let tokens = record.strings("tokens") { #expect(encoding.tokens == tokens, "tokens of \(text.debugDescription)") }
            if let typeIds = record.ints("type_ids") { #expect(encoding.typeIds == typeIds, "type ids of \(text.debugDescription)") }
            if let offsets = record.ranges("offsets") { #expect(encoding.offsets == offsets, "offsets of \(text.debugDescription)") }
            if let mask = record.ints("attention_mask") { #expect(encoding.attentionMask == mask, "attention mask of \(text.debugDescription)") }
            if let mask = record.ints("special_tokens_mask") { #expect(encoding.specialTokensMask == mask, "special tokens mask of \(text.debugDescription)") }
        }
    }

    @Test(arguments: ReferenceCase.all)
    func pairsAndPlainEncodingsEqualHuggingFace(_ reference: ReferenceCase) throws {
        let tokenizer = try reference.tokenizer()
        let expected = try reference.expected()
        for record in expected.records("pairs") {
            let (text, pair) = (record["text"] as? String ?? "", record["pair"] as? String ?? "")
            let encoding = try tokenizer.encode(text, pair: pair)
            #expect(encoding.ids == record.ints("ids"), "ids of \(text.debugDescription) + \(pair.debugDescription)")
            #expect(encoding.typeIds == record.ints("type_ids"), "type ids of \(text.debugDescription) + \(pair.debugDescription)")
            if let offsets = record.ranges("offsets") { #expect(encoding.offsets == offsets, "offsets of \(text.debugDescription) + \(pair.debugDescription)") }
        }
        for record in expected.records("no_special") {
            let text = record["text"] as? String ?? ""
            #expect(try tokenizer.encode(text, addSpecialTokens: false).ids == record.ints("ids"), "ids without special tokens of \(text.debugDescription)")
        }
    }

    @Test(arguments: ReferenceCase.all)
    func truncationAndPaddingEqualHuggingFace(_ reference: ReferenceCase) throws {
        let expected = try reference.expected()
        for record in expected.records("truncations") {
            var tokenizer = try reference.tokenizer()
            tokenizer.padding = nil
            tokenizer.truncation = TruncationParameters(
                maxLength: record.ints("max_length")?.first ?? (record["max_length"] as? Int ?? 0),
                strategy: ["only_first": .onlyFirst, "only_second": .onlySecond][record["strategy"] as? String ?? ""] ?? .longestFirst,
                direction: record["direction"] as? String == "left" ? .left : .right
            )
            let (text, pair) = (record["text"] as? String ?? "", record["pair"] as? String ?? "")
            let ids = try? tokenizer.encode(text, pair: pair).ids
            #expect(ids == record.ints("ids"), "\(record["strategy"] ?? "") \(record["direction"] ?? "") \(record["max_length"] ?? "")")
        }
        if let batch = expected["batch"] as? [String: Any] {
            let encodings = try reference.tokenizer().encodeBatch(batch.strings("texts") ?? [])
            let ids = (batch["ids"] as? [[Int]]) ?? []
            #expect(encodings.map(\.ids) == ids)
            #expect(encodings.map(\.attentionMask) == (batch["attention_mask"] as? [[Int]]) ?? [])
            #expect(encodings.map(\.typeIds) == (batch["type_ids"] as? [[Int]]) ?? [])
        }
    }

    @Test(arguments: ReferenceCase.all)
    func decodesEqualHuggingFace(_ reference: ReferenceCase) throws {
        let tokenizer = try reference.tokenizer()
        for record in try reference.expected().records("decoded") {
            let skip = record["skip_special_tokens"] as? Bool ?? true
            let text = tokenizer.decode(record.ints("ids") ?? [], skipSpecialTokens: skip)
            #expect(Array(text.unicodeScalars) == Array((record["text"] as? String ?? "").unicodeScalars), "decode of \(record.ints("ids") ?? [])")
        }
    }
}
