import Formats
import Foundation
import Models
import Tensor
import Testing
import TestFixtures

@Suite struct InputFileTests {
    @Test func jsonLinesGiveOneBatchPerLineWithIntegersAsInt64AndFloatsAsFloat32() throws {
        let scratch = try ScratchFolder()
        let url = try scratch.write("""
        {"input_ids": [[101, 2023, 102]], "attention_mask": [[1, 1, 1]]}
        {"pixel_values": [[[0.5, 1, -2e-1]]], "input_ids": [[7], [8]]}

        """, to: "batches.jsonl")
        let file = try InputFile(url: url)
        #expect(file.batches.count == 2)
        #expect(file.locations == ["line 1", "line 2"])

        let first = file.batches[0]
        #expect(first.entries.map(\.name) == ["input_ids", "attention_mask"])
        let ids = try #require(first["input_ids"])
        #expect(ids.dtype == .i64 && ids.shape == [1, 3])
        #expect(try ids.integers() == [101, 2023, 102])

        let second = file.batches[1]
        let pixels = try #require(second["pixel_values"])
        #expect(pixels.dtype == .f32 && pixels.shape == [1, 1, 3])
        #expect(try pixels.floats() == [0.5, 1, -0.2])
        #expect(second["input_ids"]?.shape == [2, 1])
    }

    @Test func crlfLineEndingsAndNoFinalNewlineAreRead() throws {
        let scratch = try ScratchFolder()
        let url = try scratch.write("{\"input_ids\": [[1, 2]]}\r\n{\"input_ids\": [[3, 4]]}", to: "crlf.jsonl")
        let batches = try InputFile.read(url)
        #expect(try batches.map { try $0["input_ids"]!.integers() } == [[1, 2], [3, 4]])
    }

    @Test(arguments: [
        ("{\"input_ids\": [[1, 2, 3], [4, 5]]}", "line 1", "ragged"),
        ("{\"input_ids\": [[1, 2], 3]}", "line 1", "ragged"),
        ("{\"input_ids\": [1, [2]]}", "line 1", "ragged"),
        ("{\"input_ids\": [[1]]}\n\n{\"input_ids\": [[2]]}", "line 2", "empty line"),
        ("{\"input_ids\": [[\"hello\"]]}", "line 1", "not a number"),
        ("{\"input_ids\": [[true]]}", "line 1", "boolean"),
        ("{\"input_ids\": [[null]]}", "line 1", "null"),
        ("{\"input_ids\": [[1]]}\n[1, 2]", "line 2", "JSON object"),
        ("{\"input_ids\": [[1, 2]}", "line 1", "expected ',' or ']'"),
        ("{\"input_ids\": [[1]], \"input_ids\": [[2]]}", "line 1", "appears twice"),
        ("{\"input_ids\": [[99999999999999999999]]}", "line 1", "64 bits"),
        ("{\"input_ids\": [[1.]]}", "line 1", "not a number"),
        ("{}", "line 1", "names no inputs"),
        ("{\"input_ids\": [[1]]} trailing", "line 1", "after the object"),
    ])
    func malformedJSONLinesAreAnUnreadableFileErrorNamingFileAndLine(text: String, line: String, reason: String) throws {
        let scratch = try ScratchFolder()
        let url = try scratch.write(text, to: "bad.jsonl")
        #expect { try InputFile(url: url) } throws: { error in
            guard case let InputError.unreadableFile(path, detail)? = error as? InputError else { return false }
            let message = error.localizedDescription
            return path == url.path && detail.hasPrefix(line + ":") && message.contains(reason) && !message.contains("\n")
        }
    }

    @Test func anEmptyFileHasNoBatchesAndSaysSo() throws {
        let scratch = try ScratchFolder()
        let url = try scratch.write("", to: "empty.jsonl")
        #expect(throws: InputError.self) { try InputFile(url: url) }
        do { _ = try InputFile(url: url) } catch { #expect(error.localizedDescription.contains("no batches")) }
    }

    @Test func aSafetensorsFileIsOneBatchOfItsTensorsInFileOrder() throws {
        let scratch = try ScratchFolder()
        let url = scratch.file("batch.safetensors")
        try SafetensorsWriter.write([
            ("input_ids", try Tensor(integers: [1, 2, 3], shape: [1, 3])),
            ("attention_mask", try Tensor(integers: [1, 1, 0], shape: [1, 3])),
        ], to: url)
        let file = try InputFile(url: url)
        #expect(file.batches.count == 1 && file.locations == [nil])
        #expect(file.batches[0].entries.map(\.name) == ["input_ids", "attention_mask"])
        #expect(try file.batches[0]["attention_mask"]?.integers() == [1, 1, 0])
    }

    @Test func aCorruptSafetensorsFileIsAnUnreadableFileError() throws {
        let scratch = try ScratchFolder()
        let url = try scratch.write("not safetensors at all", to: "broken.safetensors")
        #expect { try InputFile(url: url) } throws: { error in
            guard case let InputError.unreadableFile(path, detail)? = error as? InputError else { return false }
            return path == url.path && detail.contains("safetensors")
        }
    }

    @Test(arguments: ["inputs.csv", "inputs", "inputs.json"])
    func anUnknownExtensionIsAnErrorNamingTheFileAndTheFormatsRead(name: String) throws {
        let scratch = try ScratchFolder()
        let url = try scratch.write("{\"input_ids\": [[1]]}", to: name)
        #expect { try InputFile(url: url) } throws: { error in
            let message = error.localizedDescription
            return message.hasPrefix(url.path) && message.contains(".safetensors") && message.contains(".jsonl")
        }
    }

    @Test func aMissingFileIsAnErrorNamingIt() throws {
        let url = URL(fileURLWithPath: "/nonexistent/slimtrace/inputs.jsonl")
        #expect(throws: InputError.unreadableFile(path: url.path, detail: "no such inputs file")) { try InputFile(url: url) }
    }

    @Test func checkNamesTheLineAndTheInputTheModelDoesNotTake() throws {
        let model = try Checkpoint(directory: Fixtures.model("bert")).loadModel()
        let scratch = try ScratchFolder()
        let url = try scratch.write("""
        {"input_ids": [[1, 2]]}
        {"input_ids": [[1, 2]], "pixel_values": [[0.5]]}
        """, to: "inputs.jsonl")
        let file = try InputFile(url: url)
        #expect { try file.check(against: model) } throws: { error in
            guard case let InputError.rejectedBatch(path, location, detail)? = error as? InputError else { return false }
            return path == url.path && location == "line 2" && detail.contains("pixel_values") && detail.contains("input_ids")
        }
    }

    @Test func checkNamesAMissingPrimaryInput() throws {
        let model = try Checkpoint(directory: Fixtures.model("bert")).loadModel()
        let scratch = try ScratchFolder()
        let file = try InputFile(url: try scratch.write("{\"attention_mask\": [[1, 1]]}", to: "inputs.jsonl"))
        #expect { try file.check(against: model) } throws: { error in
            error.localizedDescription.contains("line 1") && error.localizedDescription.contains("input_ids")
        }
    }

    @Test func outputNameIsLastHiddenStateForBaseModelsAndLogitsForHeads() throws {
        let model = try Checkpoint(directory: Fixtures.model("bert")).loadModel()
        #expect(model.typeName == "BertForSequenceClassification" && model.outputName == "logits")
        let file = try ConfigFile(data: Data(#"{"model_type": "bert", "architectures": ["BertModel"], "hidden_size": 8, "num_attention_heads": 2, "intermediate_size": 8, "num_hidden_layers": 1, "vocab_size": 10}"#.utf8),
                                  url: URL(fileURLWithPath: "/tmp/config.json"))
        let base = try Architectures.build(config: file, parameterNames: [])
        #expect(base.typeName == "BertModel" && base.isBaseModel && base.outputName == "last_hidden_state")
    }
}

/// Texts in inputs files: `{"text": ...}` JSON Lines and `--text-file` lines.
@Suite struct InputTextFileTests {
    @Test func jsonLinesOfTextsAndPairsGiveTextsNamingTheirLinesAndNoBatches() throws {
        let scratch = try ScratchFolder()
        let url = try scratch.write("""
        {"text": "Is it slim?", "pair": "It is \\"slim\\"."}
        {"text": "caf\\u00e9 \\ud83d\\ude00"}

        """, to: "texts.jsonl")
        let file = try InputFile(url: url)
        #expect(file.batches.isEmpty && file.locations.isEmpty)
        #expect(file.texts == [
            InputText("Is it slim?", pair: "It is \"slim\".", source: "\(url.path): line 1"),
            InputText("café 😀", source: "\(url.path): line 2"),
        ])
    }

    @Test(arguments: [
        (#"{"text": "a", "input_ids": [[1]]}"#, "line 1: \"input_ids\" beside \"text\""),
        (#"{"pair": "b"}"#, "line 1: \"pair\" without \"text\""),
        (#"{"label": "b"}"#, "line 1: column 11: the value of \"label\" is a string"),
        ("{\"text\": \"a\"}\n{\"input_ids\": [[1]]}", "line 2: a tensor line after text lines"),
        ("{\"input_ids\": [[1]]}\n{\"text\": \"a\"}", "line 2: a text line after tensor lines"),
    ])
    func malformedTextLinesAreErrorsNamingTheFileAndLine(_ contents: String, _ message: String) throws {
        let scratch = try ScratchFolder()
        let url = try scratch.write(contents + "\n", to: "bad.jsonl")
        let error = #expect(throws: InputError.self) { try InputFile(url: url) }
        #expect(error?.errorDescription?.hasPrefix("\(url.path): \(message)") == true, "\(String(describing: error?.errorDescription))")
    }

    @Test func textFileLinesAreTextsWithInvalidUTF8AsReplacementCharactersAndEmptyLinesSkipped() throws {
        let scratch = try ScratchFolder()
        let url = scratch.file("texts.txt")
        try Data([0x48, 0x69, 0xFF, 0x0D, 0x0A, 0x0A, 0xC3, 0x28, 0x0A, 0xE2, 0x82]).write(to: url)
        let texts = try InputText.lines(of: url)
        // Python: open(path, errors="replace").read().splitlines(), empty lines dropped.
        #expect(texts.map(\.text) == ["Hi\u{FFFD}", "\u{FFFD}(", "\u{FFFD}"])
        #expect(texts.map(\.source) == ["\(url.path): line 1", "\(url.path): line 3", "\(url.path): line 4"])
    }

    @Test func aTextFileWithNoTextIsAnErrorNamingIt() throws {
        let scratch = try ScratchFolder()
        let url = try scratch.write("\n\r\n", to: "empty.txt")
        #expect(throws: InputError.unreadableFile(path: url.path, detail: "holds no text (expected one text per line)")) {
            try InputText.lines(of: url)
        }
    }
}
