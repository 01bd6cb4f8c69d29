import Formats
import Foundation
import Models
import SlimtraceCLI
import Tensor
import Testing
import TestFixtures
import Tracer

@Suite struct CommandTests {
    /// Parses `arguments` as the command line and runs the command in-process.
    private func run(_ arguments: [String]) throws {
        var command = try Slimtrace.parseAsRoot(arguments)
        try command.run()
    }

    /// The graph of bert's placeholder forward, traced directly through the library.
    private func directBertGraph(shape: [Int]? = nil) throws -> Graph {
        let model = try Checkpoint(directory: Fixtures.model("bert")).loadModel()
        let inputs = try PlaceholderInputs.make(for: model, shape: shape, dtype: nil)
        return try Tracer.trace(model: model, inputs: inputs.entries) { traced in
            try model.forward(ModelInputs(zip(inputs.entries, traced).map { ($0.0.name, $0.1) }))
        }.graph
    }

    @Test func traceWritesTheIRTextOfTheSameGraphTheLibraryRecords() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("graph.ir")
        try run(["trace", fixturePath(), "--output", output.path])
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text == (try directBertGraph().irText))
        #expect(text.hasPrefix("%0 : Long(1, 16) = input[name=\"input_ids\"]()"))
    }

    @Test func traceJSONReadsBackAsTheGraphTheLibraryRecords() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("graph.json")
        try run(["trace", fixturePath(), "--format", "json", "--shape", "2,8", "-o", output.path])
        let graph = try Graph(jsonData: Data(contentsOf: output))
        #expect(graph == (try directBertGraph(shape: [2, 8])))
        #expect(graph.inputValues.map(\.shape) == [[2, 8]])
    }

    @Test func traceDOTIsADigraphWithAClusterPerModule() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("graph.dot")
        try run(["trace", fixturePath(), "--format", "dot", "--output", output.path])
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.hasPrefix("digraph"))
        #expect(text.contains("bert.encoder.layer.1.attention.self"))
    }

    @Test func traceWithInputsTracesTheFirstBatchWithItsNamesAndShapes() throws {
        let scratch = try ScratchFolder()
        let inputs = try scratch.write("""
        {"input_ids": [[101, 7, 8, 102]], "attention_mask": [[1, 1, 1, 0]]}
        {"input_ids": [[101, 102]]}
        """, to: "batches.jsonl")
        let output = scratch.file("graph.json")
        try run(["trace", fixturePath(), "--inputs", inputs.path, "--format", "json", "--output", output.path])
        let graph = try Graph(jsonData: Data(contentsOf: output))
        #expect(graph.inputValues.map(\.name) == ["input_ids", "attention_mask"])
        #expect(graph.inputValues.map(\.shape) == [[1, 4], [1, 4]])
    }

    @Test func metaTraceRecordsTheSameGraphAsARealTraceWithoutReadingWeights() throws {
        let scratch = try ScratchFolder()
        try run(["trace", fixturePath(), "--format", "json", "--output", scratch.file("real.json").path])
        try run(["trace", fixturePath(), "--meta", "--format", "json", "--output", scratch.file("meta.json").path])
        let real = try Graph(jsonData: Data(contentsOf: scratch.file("real.json")))
        let meta = try Graph(jsonData: Data(contentsOf: scratch.file("meta.json")))
        #expect(real == meta)

    }

    @Test func aConfigOnlyFolderOfAModelLargerThanMemoryTracesAsShapes() throws {
        let scratch = try ScratchFolder()
        let huge = try scratch.checkpoint("huge", editConfig: {
            $0["hidden_size"] = 8192; $0["intermediate_size"] = 32768; $0["num_attention_heads"] = 64; $0["num_hidden_layers"] = 80
        })
        try FileManager.default.removeItem(at: huge.appendingPathComponent("model.safetensors"))
        // Automatically (no weights in the folder) and with --meta.
        try run(["trace", huge.path, "--shape", "1,512", "--output", scratch.file("auto.ir").path])
        try run(["trace", huge.path, "--meta", "--shape", "1,512", "--output", scratch.file("meta.ir").path])
        let text = try String(contentsOf: scratch.file("auto.ir"), encoding: .utf8)
        #expect(text.contains("Float(1, 512, 32768)"))
        #expect(text == (try String(contentsOf: scratch.file("meta.ir"), encoding: .utf8)))
    }

    @Test func metaTraceChecksParametersAgainstTheWeightHeaders() throws {
        let scratch = try ScratchFolder()
        let wrong = try scratch.checkpoint("wrong", editConfig: { $0["intermediate_size"] = 256 })
        let (status, errors) = execute(["trace", wrong.path, "--meta"])
        #expect(status == 1)
        #expect(errors.count == 1 && errors[0].contains("intermediate.dense.weight") && errors[0].contains("[256, 64]"), "\(errors)")
    }

    @Test func runWritesLogitsThatMatchPyTorchForASafetensorsBatch() throws {
        let scratch = try ScratchFolder()
        let (inputs, expected) = try referenceIO("bert")
        let inputsFile = scratch.file("inputs.safetensors")
        try SafetensorsWriter.write(inputs, to: inputsFile)
        let output = scratch.file("out.safetensors")
        try run(["run", fixturePath(), "--inputs", inputsFile.path, "--output", output.path])

        let written = try SafetensorsFile(url: output)
        #expect(written.names == ["logits"])
        #expect(written.metadata["model"] == "BertForSequenceClassification")
        #expect(written.metadata["batches"] == "1")
        let difference = try maxAbsDiff(written.tensor(named: "logits"), expected)
        #expect(difference <= 1e-4, "max abs diff from PyTorch's logits: \(difference)")
    }

    @Test func runNamesEachJSONLinesBatchOutputLogitsLogits1InFileOrder() throws {
        let scratch = try ScratchFolder()
        let (inputs, expected) = try referenceIO("bert")
        let ids = try #require(inputs.first { $0.0 == "input_ids" }?.1).integers()
        let line = "{\"input_ids\": [[\(ids.map(String.init).joined(separator: ", "))]]}"
        let inputsFile = try scratch.write([line, "{\"input_ids\": [[101, 7, 102], [101, 8, 102]]}", line].joined(separator: "\n") + "\n",
                                           to: "inputs.jsonl")
        let output = scratch.file("out.safetensors")
        try run(["run", fixturePath(), "--inputs", inputsFile.path, "--output", output.path])

        let written = try SafetensorsFile(url: output)
        #expect(written.names == ["logits", "logits.1", "logits.2"])
        #expect(try written.tensor(named: "logits.1").shape == [2, 3])
        for name in ["logits", "logits.2"] {
            let difference = try maxAbsDiff(written.tensor(named: name), expected)
            #expect(difference <= 1e-4, "\(name): max abs diff from PyTorch's logits: \(difference)")
        }
    }

    @Test func runOnABaseModelCheckpointWritesLastHiddenState() throws {
        let scratch = try ScratchFolder()
        let base = try scratch.checkpoint("base", editConfig: { $0["architectures"] = ["BertModel"] }, editTensors: { tensors in
            tensors = tensors.filter { $0.0.hasPrefix("bert.") }.map { (String($0.0.dropFirst("bert.".count)), $0.1) }
        })
        let inputs = try scratch.write("{\"input_ids\": [[101, 7, 8, 102]]}\n", to: "inputs.jsonl")
        let output = scratch.file("hidden.safetensors")
        try run(["run", base.path, "--inputs", inputs.path, "--output", output.path])
        let written = try SafetensorsFile(url: output)
        #expect(written.names == ["last_hidden_state"])
        #expect(try written.tensor(named: "last_hidden_state").shape == [1, 4, 64])
        #expect(written.metadata["model"] == "BertModel")
    }

    @Test func runOnTheCommittedExampleWritesOneOutputPerLine() throws {
        let example = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/tiny-bert")
        let scratch = try ScratchFolder()
        let output = scratch.file("out.safetensors")
        try run(["run", example.path, "--inputs", example.appendingPathComponent("inputs.jsonl").path, "--output", output.path])
        let written = try SafetensorsFile(url: output)
        #expect(written.names == ["logits", "logits.1"])
        #expect(try written.tensor(named: "logits.1").shape == [2, 3])
    }

    @Test(arguments: [
        ["trace", "m", "--inputs", "a.jsonl", "--shape", "1,8"],
        ["trace", "m", "--inputs", "a.jsonl", "--dtype", "int64"],
        ["trace", "m", "--shape", "1,,128"],
        ["trace", "m", "--shape", "0"],
        ["trace", "m", "--shape", "-1"],
        ["trace", "m", "--shape", "abc"],
        ["trace", "m", "--dtype", "complex64"],
        ["trace", "m", "--format", "svg"],
        ["run", "m", "--inputs", "a.jsonl", "--output", "out.npz"],
        ["run", "m", "--output", "out.safetensors"],
    ])
    func argumentErrorsAreCaughtWhileParsingBeforeAnythingIsLoaded(arguments: [String]) {
        // "m" does not exist: parsing must fail before the checkpoint is opened.
        #expect(throws: (any Error).self) { _ = try Slimtrace.parseAsRoot(arguments) }
    }

    @Test func helpExitsZeroAndAValidCommandRunsWithStatusZero() throws {
        #expect(execute(["--help"]) == (0, []))
        #expect(execute(["trace", "--help"]) == (0, []))
        #expect(execute(["help", "run"]) == (0, []))
        let scratch = try ScratchFolder()
        #expect(execute(["trace", fixturePath(), "-o", scratch.file("g.ir").path]) == (0, []))
    }

    @Test(arguments: ["search", "trace", "run", "config", "slim", "bench"])
    func everySubcommandIsKnownByNameToHelpAndToTheParser(command: String) {
        #expect(execute(["help", command]) == (0, []))
        #expect(execute([command, "--help"]) == (0, []))
    }

    @Test(arguments: BadInput.allCases)
    func everyBadInputIsOneErrorLineNamingTheCulpritAndStatus1(_ case: BadInput) throws {
        let scratch = try ScratchFolder("\(`case`)")
        let arguments = try `case`.arguments(in: scratch)
        let (status, errors) = execute(arguments)
        #expect(status == 1)
        #expect(errors.count == 1, "\(errors)")
        let line = errors.first ?? ""
        #expect(line.hasPrefix("error: ") && !line.contains("\n"), "\(line)")
        for fragment in `case`.expectedFragments(in: scratch) {
            #expect(line.contains(fragment), "\(line) should name \(fragment)")
        }
    }
}
