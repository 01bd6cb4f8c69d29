import Formats
import Foundation
import SlimtraceCLI
import Tensor
import Testing
import TestFixtures

/// Text through the command line (`--text`, `--text-file`, `{"text": ...}` lines, `tokenize`),
/// compared with what transformers gives for the same text (`scripts/reference/make_text_fixtures.py`).
@Suite struct TextCommandTests {
    /// The texts of a `-text` fixture's reference batch and transformers' tensors for it.
    static func reference(_ fixture: String, batch: String = "texts") throws -> (texts: [String], pairs: [String]?, tensors: SafetensorsFile) {
        let json = try #require(try Fixtures.json("reference_text.json", of: fixture) as? [String: Any])
        let entry = try #require((json["batches"] as? [String: Any])?[batch] as? [String: Any])
        let file = try SafetensorsFile(url: Fixtures.model(fixture).appendingPathComponent("reference_text_io.safetensors"))
        return (try #require(entry["texts"] as? [String]), entry["pairs"] as? [String], file)
    }

    /// The max abs difference between the `logits` of a `run` output file and transformers' logits.
    static func logitsDifference(_ output: URL, _ expected: Tensor) throws -> Float {
        let actual = try SafetensorsFile(url: output).tensor(named: "logits")
        guard actual.shape == expected.shape else { return .infinity }
        return zip(try actual.floats(), try expected.floats()).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test(arguments: ["gpt2-text", "llama-text", "bert-text"])
    func runTextGivesTheLogitsTransformersGivesForTheSameTexts(_ fixture: String) throws {
        let reference = try Self.reference(fixture)
        let scratch = try ScratchFolder("\(fixture)")
        let output = scratch.file("logits.safetensors")
        let result = execute(["run", fixturePath(fixture), "-o", output.path] + reference.texts.flatMap { ["--text", $0] })
        #expect(result.status == 0, "\(result.errors)")
        let difference = try Self.logitsDifference(output, reference.tensors.tensor(named: "texts.logits"))
        #expect(difference <= 1e-4, "\(fixture): max abs diff \(difference)")
    }

    @Test func runOnJSONLTextLinesWithPairsGivesBERTsPairLogitsWithTokenTypes() throws {
        let reference = try Self.reference("bert-text", batch: "pairs")
        let pairs = try #require(reference.pairs)
        let scratch = try ScratchFolder()
        let lines = zip(reference.texts, pairs).map { #"{"text": "\#($0)", "pair": "\#($1)"}"# }
        let inputs = try scratch.write(lines.joined(separator: "\n") + "\n", to: "pairs.jsonl")
        let output = scratch.file("logits.safetensors")
        let result = execute(["run", fixturePath("bert-text"), "--inputs", inputs.path, "-o", output.path])
        #expect(result.status == 0, "\(result.errors)")
        let difference = try Self.logitsDifference(output, reference.tensors.tensor(named: "pairs.logits"))
        #expect(difference <= 1e-4, "max abs diff \(difference)")
    }

    @Test func runWithBatchSizeOneWritesOneOutputPerText() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("logits.safetensors")
        let result = execute(["run", fixturePath("bert-text"), "--text", "one", "--text", "two words", "--batch-size", "1", "-o", output.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(try SafetensorsFile(url: output).names.sorted() == ["logits", "logits.1"])
    }

    @Test func traceOfATextFileTracesTheBatchOfItsLinesPaddedToTheLongest() throws {
        let reference = try Self.reference("llama-text")
        let scratch = try ScratchFolder()
        let texts = try scratch.write(reference.texts.joined(separator: "\r\n") + "\r\n\r\n", to: "texts.txt")
        let graph = scratch.file("graph.ir")
        let result = execute(["trace", fixturePath("llama-text"), "--text-file", texts.path, "-o", graph.path])
        #expect(result.status == 0, "\(result.errors)")
        let shape = try reference.tensors.tensor(named: "texts.input_ids").shape
        let ir = try String(contentsOf: graph, encoding: .utf8)
        #expect(ir.hasPrefix("%0 : Long(\(shape[0]), \(shape[1])) = input[name=\"input_ids\"]()"))
        #expect(ir.contains("input[name=\"attention_mask\"]()"))
    }

    @Test func searchOfATextFileWithInvalidUTF8FindsTheAttentionBlocksOfThePlaceholderSearch() throws {
        let scratch = try ScratchFolder()
        let texts = scratch.file("texts.txt")
        try Data([0x48, 0x69, 0xFF, 0x0A, 0xC3, 0x28, 0x6F, 0x6B, 0x0A]).write(to: texts)
        let fromText = scratch.file("text.json"), fromPlaceholder = scratch.file("placeholder.json")
        let result = execute(["search", fixturePath("llama-text"), "--text-file", texts.path, "--format", "json", "-o", fromText.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(execute(["search", fixturePath("llama-text"), "--format", "json", "-o", fromPlaceholder.path]).status == 0)
        func findings(_ url: URL) throws -> [String] {
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            return try ["linear2linear", "mha", "head"].map { String(decoding: try JSONSerialization.data(withJSONObject: report[$0] ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self) }
        }
        #expect(try findings(fromText) == findings(fromPlaceholder))
    }

    @Test(arguments: [
        (["--text", "a", "--shape", "1,8"], "--text and --shape"),
        (["--text-file", "t.txt", "--inputs", "a.jsonl"], "--text-file and --inputs"),
        (["--text", "a", "--batch-size", "0"], "--batch-size must be at least 1"),
    ])
    func textOptionsThatCannotGoTogetherAreOneArgumentError(_ arguments: [String], _ message: String) {
        let result = execute(["trace", fixturePath("bert-text")] + arguments)
        #expect(result.status == 1 && result.errors.count == 1)
        #expect(result.errors.first?.contains(message) == true, "\(result.errors)")
    }

    @Test func runWithoutInputsOrTextIsAnErrorNamingTheOptions() {
        let result = execute(["run", fixturePath("bert-text"), "-o", "out.safetensors"])
        #expect(result.status == 1 && result.errors.first?.contains("--inputs FILE, --text TEXT or --text-file FILE") == true, "\(result.errors)")
    }

    @Test func textForACheckpointWithoutTokenizerIsAnErrorNamingTheFolder() {
        let result = execute(["trace", fixturePath("bert"), "--text", "hello"])
        #expect(result.status == 1)
        #expect(result.errors == ["error: \(fixturePath("bert")): no tokenizer.json in this checkpoint folder (text inputs need the model's tokenizer)"])
    }

    @Test func aMalformedTokenizerJSONIsOneErrorLineNamingTheFile() throws {
        let scratch = try ScratchFolder()
        let file = try scratch.write(#"{"model": {"type": "BPE", "vocab": [1, 2"#, to: "tokenizer.json")
        let result = execute(["tokenize", file.path, "--text", "hello"])
        #expect(result.status == 1 && result.errors.count == 1)
        #expect(result.errors.first?.hasPrefix("error: \(file.path): ") == true, "\(result.errors)")
    }
}

@Suite(.enabled(if: SlimtraceBinary.url != nil, "the slimtrace executable is not built"))
struct TokenizeBinaryTests {
    @Test func tokenizeJSONGivesTheIdsTransformersGivesForATextAndAPair() throws {
        for batch in ["texts", "pairs"] {
            let reference = try TextCommandTests.reference("bert-text", batch: batch)
            let arguments = ["tokenize", fixturePath("bert-text"), "--text", reference.texts[0], "--format", "json"]
                + (reference.pairs.map { ["--pair", $0[0]] } ?? [])
            let result = try SlimtraceBinary.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let mask = try reference.tensors.tensor(named: "\(batch).attention_mask")
            let kept = try mask.integers()[0..<mask.shape[1]].filter { $0 == 1 }.count
            #expect(report["ids"] as? [Int] == Array(try reference.tensors.tensor(named: "\(batch).input_ids").integers()[0..<kept]))
            #expect(report["type_ids"] as? [Int] == Array(try reference.tensors.tensor(named: "\(batch).token_type_ids").integers()[0..<kept]))
            #expect((report["tokens"] as? [String])?.first == "[CLS]")
        }
    }

    @Test func tokenizeTextShowsOneRowPerTokenWithItsOffsets() throws {
        let result = try SlimtraceBinary.run(["tokenize", fixturePath("bert-text") + "/tokenizer.json", "--text", "Hello, world!"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("#  ") == true && lines.first?.contains("offsets") == true)
        #expect(lines.contains { $0.contains("\"[CLS]\"") && $0.hasSuffix("0..<0") })
        #expect(lines.contains { $0.contains("\"!\"") && $0.hasSuffix("12..<13") })
        #expect(lines.last?.hasSuffix(" tokens") == true)
    }
}
