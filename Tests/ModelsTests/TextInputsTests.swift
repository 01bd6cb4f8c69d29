import Formats
import Foundation
import Models
import Tensor
import Testing
import TestFixtures
import Tokenizers

/// Texts through a checkpoint's own tokenizer and model, compared with what transformers gives
/// for the same texts (`scripts/reference/make_text_fixtures.py`).
@Suite struct TextInputsTests {
    /// A `-text` fixture's reference batch: its texts (and pairs) and transformers' tensors.
    struct ReferenceBatch: CustomStringConvertible {
        let fixture: String
        let name: String

        var description: String { "\(fixture) \(name)" }

        var texts: [InputText] {
            get throws {
                let json = try #require(try Fixtures.json("reference_text.json", of: fixture) as? [String: Any])
                let batch = try #require((json["batches"] as? [String: Any])?[name] as? [String: Any])
                let texts = try #require(batch["texts"] as? [String])
                let pairs = batch["pairs"] as? [String]
                return texts.indices.map { InputText(texts[$0], pair: pairs?[$0], source: "text \($0 + 1)") }
            }
        }

        func expected(_ tensor: String) throws -> Tensor? {
            let file = try SafetensorsFile(url: Fixtures.model(fixture).appendingPathComponent("reference_text_io.safetensors"))
            let key = "\(name).\(tensor)"
            return file.names.contains(key) ? try file.tensor(named: key) : nil
        }
    }

    static let references = [
        ReferenceBatch(fixture: "bert-text", name: "texts"), ReferenceBatch(fixture: "bert-text", name: "pairs"),
        ReferenceBatch(fixture: "bert-text", name: "long"), ReferenceBatch(fixture: "gpt2-text", name: "texts"),
        ReferenceBatch(fixture: "llama-text", name: "texts"),
    ]

    @Test(arguments: references)
    func oneBatchOfTextsGivesTransformersTokensMaskTypesAndLogits(_ reference: ReferenceBatch) throws {
        let loaded = try ModelLoading.load(Fixtures.model(reference.fixture), mode: .real)
        let texts = try reference.texts
        let inputs = try TextInputs(texts, for: loaded, batchSize: texts.count)
        #expect(inputs.batches.count == 1)
        let batch = inputs.batches[0]
        for name in ["input_ids", "attention_mask", "token_type_ids"] {
            let expected = try reference.expected(name)
            #expect(try batch[name]?.integers() == expected?.integers(), "\(name)")
            #expect(batch[name]?.shape == expected?.shape, "\(name)")
        }
        let comparison = try ReferenceChecks.compare(loaded.model.forward(batch), with: #require(try reference.expected("logits")), caseName: reference.description)
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
    }

    @Test func aTextLongerThanTheModelsPositionsIsTruncatedToThemWithANoteNamingIt() throws {
        let loaded = try ModelLoading.load(Fixtures.model("bert-text"), mode: .real)
        let texts = try ReferenceBatch(fixture: "bert-text", name: "long").texts
        let inputs = try TextInputs(texts, for: loaded)
        #expect(inputs.batches[0]["input_ids"]?.shape == [2, 64])
        #expect(inputs.notes == ["warning: truncated to 64 tokens (the model's maximum positions): text 1"])
    }

    @Test(arguments: ["gpt2-text", "llama-text", "bert-text"])
    func textsBatchedOneByOneGiveTheLogitsOfTheirUnpaddedPositionsInTheFullBatch(_ fixture: String) throws {
        let loaded = try ModelLoading.load(Fixtures.model(fixture), mode: .real)
        let reference = ReferenceBatch(fixture: fixture, name: "texts")
        let inputs = try TextInputs(try reference.texts, for: loaded, batchSize: 1)
        #expect(inputs.batches.count == 3)
        #expect(inputs.sources == ["text 1", "text 2", "text 3"])
        #expect(inputs.notes.isEmpty)
        let expected = try #require(try reference.expected("logits"))
        let mask = try #require(try reference.expected("attention_mask")).integers()
        let length = expected.shape.count == 3 ? expected.shape[1] : 1
        let width = expected.shape.last!
        let all = try expected.floats()
        for (row, batch) in inputs.batches.enumerated() {
            let logits = try loaded.model.forward(batch).floats()
            let kept = expected.shape.count == 3 ? mask[(row * length)..<((row + 1) * length)].filter { $0 == 1 }.count : 1
            let wanted = all[(row * length * width)..<((row * length + kept) * width)]
            #expect(logits.count == wanted.count)
            let diff = zip(logits, wanted).map { abs($0 - $1) }.max() ?? .infinity
            #expect(diff <= 1e-4, "\(fixture) text \(row + 1): max abs diff \(diff)")
        }
    }

    @Test func aTokenizerWithoutAPadTokenPadsWithItsEOSTokenAndSaysSo() throws {
        let loaded = try ModelLoading.load(Fixtures.model("gpt2-text"), mode: .real)
        let inputs = try TextInputs(try ReferenceBatch(fixture: "gpt2-text", name: "texts").texts, for: loaded)
        let eos = try #require(try Tokenizer(contentsOf: Fixtures.model("gpt2-text")).id(of: "<|endoftext|>"))
        let ids = try #require(inputs.batches[0]["input_ids"]).integers()
        let mask = try #require(inputs.batches[0]["attention_mask"]).integers()
        #expect(zip(ids, mask).filter { $0.1 == 0 }.allSatisfy { $0.0 == eos })
        #expect(inputs.notes.count == 1 && inputs.notes[0].contains("eos token '<|endoftext|>'"))
    }

    @Test func batchesOfTwoSplitThreeTextsInOrderAndNameTheirTexts() throws {
        let loaded = try ModelLoading.load(Fixtures.model("bert-text"), mode: .real)
        let texts = try ReferenceBatch(fixture: "bert-text", name: "texts").texts
        let inputs = try TextInputs(texts, for: loaded, batchSize: 2)
        #expect(inputs.batches.map { $0["input_ids"]?.shape[0] } == [2, 1])
        #expect(inputs.sources == ["text 1 ... text 2", "text 3"])
    }

    @Test func aTokenizerWithIdsBeyondTheEmbeddingIsAnErrorNamingTheTokenAndTheFile() throws {
        let folder = Fixtures.model("bert-text")
        let config = try ConfigFile(data: Data(#"{"model_type": "bert", "vocab_size": 1500}"#.utf8), url: folder.appendingPathComponent("config.json"))
        let error = #expect(throws: TokenizerError.self) { try Tokenizer(checkpoint: folder, config: config) }
        let message = error?.errorDescription ?? ""
        #expect(message.hasPrefix(folder.appendingPathComponent("tokenizer.json").path))
        #expect(message.contains("token 'repe' has id 1500, beyond the embedding size 1500"))
    }

    @Test func aFolderWithoutTokenizerJSONIsAnErrorNamingTheFolder() throws {
        let folder = Fixtures.model("bert")
        let config = try ConfigFile(url: folder.appendingPathComponent("config.json"))
        #expect(throws: ModelError.missingFile(path: folder.path, detail: "no tokenizer.json in this checkpoint folder (text inputs need the model's tokenizer)")) {
            try Tokenizer(checkpoint: folder, config: config)
        }
    }

    @Test func anImageModelRejectsTextNamingItsInputs() throws {
        let loaded = try ModelLoading.load(Fixtures.model("vit"), mode: .real)
        let config = try ConfigFile(url: Fixtures.model("vit").appendingPathComponent("config.json"))
        let tokenizer = try Tokenizer(contentsOf: Fixtures.model("bert-text"))
        #expect(throws: ModelError.invalidInput(name: "text", detail: "\(loaded.model.typeName) takes no token ids (its inputs: pixel_values)")) {
            try TextInputs([InputText("a cat", source: "--text 1")], tokenizer: tokenizer, model: loaded.model, config: config)
        }
    }

    @Test func textThatEncodesToNoTokensIsAnErrorNamingIt() throws {
        let loaded = try ModelLoading.load(Fixtures.model("gpt2-text"), mode: .real)
        #expect(throws: ModelError.invalidInput(name: "text", detail: "--text 2 encodes to no tokens")) {
            try TextInputs([InputText("Hi", source: "--text 1"), InputText("", source: "--text 2")], for: loaded)
        }
    }
}
