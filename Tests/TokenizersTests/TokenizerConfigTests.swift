import Foundation
import Testing
@testable import Tokenizers

/// A `tokenizer_config.json` beside `tokenizer.json` is read as transformers 5.24 reads it.
@Suite struct TokenizerConfigTests {
    static let reference = ReferenceCase(name: "config-add-bos-eos")

    @Test func addBosTokenKeepsTheFilesPostProcessorAsTransformersDoes() throws {
        let tokenizer = try Tokenizer(contentsOf: Self.reference.folder)
        let expected = try Self.reference.expected()
        for record in expected.records("encodings") {
            #expect(try tokenizer.encode(record["text"] as? String ?? "").ids == record.ints("ids"))
        }
        for record in expected.records("pairs") {
            let encoding = try tokenizer.encode(record["text"] as? String ?? "", pair: record["pair"] as? String ?? "")
            #expect(encoding.ids == record.ints("ids"))
            #expect(encoding.typeIds == record.ints("type_ids"))
        }
        #expect(tokenizer.modelMaxLength == expected["model_max_length"] as? Int)
    }
}
