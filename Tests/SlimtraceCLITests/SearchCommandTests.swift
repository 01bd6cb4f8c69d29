import Foundation
import Models
import Searchers
import SlimtraceCLI
import Testing
import Tracer
import TestFixtures

/// `slimtrace MODEL` (search, the default command) and `slimtrace config`.
@Suite struct SearchCommandTests {
    /// Runs the command line in-process and returns the JSON object it wrote to `--output`.
    private func jsonOutput(_ arguments: [String]) throws -> Any {
        let scratch = try ScratchFolder()
        let output = scratch.file("out.json")
        var command = try Slimtrace.parseAsRoot(arguments + ["--output", output.path])
        try command.run()
        return try JSONSerialization.jsonObject(with: Data(contentsOf: output))
    }

    /// The library's report for the same fixture and placeholder.
    private func libraryReport(_ name: String) throws -> SearchReport {
        let model = try Checkpoint(directory: Fixtures.model(name)).loadModel()
        return try SearchReport(trace: TraceSearcher(model: model, graph: model.trace(PlaceholderInputs.make(for: model, shape: nil, dtype: nil))))
    }

    @Test func searchIsTheDefaultCommandAndItsJSONHoldsTheLibraryFindings() throws {
        let report = try #require(try jsonOutput([fixturePath("llama-gqa"), "--format", "json"]) as? [String: Any])
        let expected = try libraryReport("llama-gqa")
        let pairs = try #require(report["linear2linear"] as? [[String: Any]])
        #expect(pairs.map { $0["root_linear"] as? String } == expected.linear2linear!.map(\.rootLinear))
        #expect(pairs.map { $0["safe"] as? Bool } == expected.linear2linear!.map(\.safe))
        let attention = try #require(report["mha"] as? [[String: Any]])
        #expect(attention.map { $0["qkv"] as? [String] } == expected.mha!.map(\.qkv))
        #expect(attention.map { $0["num_kv_heads"] as? Int } == expected.mha!.map(\.numKVHeads))
        #expect(report["head"] as? String == expected.head)
    }

    @Test func searchersOptionRunsOnlyTheNamedSearchers() throws {
        let report = try #require(try jsonOutput(["search", fixturePath(), "--format", "json", "--searchers", "head"]) as? [String: Any])
        #expect(report["linear2linear"] == nil)
        #expect(report["mha"] == nil)
        #expect(report["head"] as? String == "classifier")
    }

    @Test func recipeAsTextOrFileGivesTheRecipeGroups() throws {
        let recipe = #"{"BertAttention": ["self.query", "output.dense"]}"#
        let scratch = try ScratchFolder()
        let file = try scratch.write(recipe, to: "recipe.json")
        for argument in [recipe, file.path] {
            let report = try #require(try jsonOutput([fixturePath(), "--format", "json", "--recipe", argument]) as? [String: Any])
            let groups = try #require(report["recipe"] as? [[String]])
            #expect(groups.first == ["bert.encoder.layer.0.attention.self.query", "bert.encoder.layer.0.attention.output.dense"])
        }
    }

    @Test func explainAddsPathsReasonsAndStoppedLinears() throws {
        let report = try #require(try jsonOutput([fixturePath("electra"), "--format", "json", "--explain"]) as? [String: Any])
        let pairs = try #require(report["linear2linear"] as? [[String: Any]])
        let unsafe = try #require(pairs.first { $0["safe"] as? Bool == false })
        let explain = try #require(unsafe["explain"] as? [String: Any])
        #expect((explain["unsafe_because"] as? String)?.hasPrefix("add at ") == true)
        let stopped = try #require(report["stopped_linears"] as? [[String: Any]])
        #expect(stopped.contains { ($0["stopped_at"] as? String)?.hasPrefix("layer_norm at ") == true })
    }

    @Test func metaSearchFindsWhatTheRealSearchFinds() throws {
        let real = try #require(try jsonOutput([fixturePath("qwen2"), "--format", "json"]) as? [String: Any])
        let meta = try #require(try jsonOutput([fixturePath("qwen2"), "--format", "json", "--meta"]) as? [String: Any])
        func canonical(_ value: Any?) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
        }
        for key in ["linear2linear", "mha", "head"] {
            #expect(try canonical(real[key]) == canonical(meta[key]), "\(key) differs")
        }
    }

    @Test func kerasArchiveGetsTheHeadSearch() throws {
        let archive = Fixtures.root.appendingPathComponent("keras/seq_cnn.keras").path
        let report = try #require(try jsonOutput([archive, "--format", "json"]) as? [String: Any])
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.root.appendingPathComponent("keras/expected.json"))) as! [String: Any]
        #expect(report["head"] as? String == (expected["seq_cnn"] as? [String: Any])?["head_with_conv2d_fixed"] as? String)
    }

    @Test func configPrintsINCsPruningConfigsOverTheLinear2LinearRoots() throws {
        let configs = try #require(try jsonOutput(["config", fixturePath(), "--ffn2-sparsity", "0.5", "--mha-sparsity", "0.25", "--set", "start_step=3"]) as? [[String: Any]])
        let roots = try libraryReport("bert").linear2linear!.map(\.rootLinear)
        #expect(configs.count == 2)
        #expect(configs[0]["op_names"] as? [String] == roots)
        #expect(configs[0]["pattern"] as? String == "channelx1")
        #expect(configs[0]["target_sparsity"] as? Double == 0.5)
        #expect(configs[0]["start_step"] as? Int == 3)
        #expect(configs[1]["pattern"] as? String == "mha")
        #expect(configs[1]["target_sparsity"] as? Double == 0.25)
    }

    @Test func configSetReplacesAKeyTheConfigHasInsteadOfRepeatingIt() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("configs.json")
        let result = execute(["config", fixturePath(), "--ffn2-sparsity", "0.5", "--mha-sparsity", "0.5",
                              "--set", "pattern=4x1", "--set", "start_step=1", "--set", "start_step=2", "-o", output.path])
        #expect(result.status == 0, "\(result.errors)")
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.components(separatedBy: "\"pattern\"").count - 1 == 2, "one pattern key per config: \(text)")
        #expect(text.components(separatedBy: "\"start_step\"").count - 1 == 2, "one start_step key per config: \(text)")
        let configs = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(configs.map { $0["pattern"] as? String } == ["4x1", "4x1"])
        #expect(configs.map { $0["start_step"] as? Int } == [2, 2])
    }

    @Test(arguments: [
        (["--searchers", "linear2linear,attention"], "attention"),
        (["--recipe", "not json"], "--recipe"),
        (["--recipe", #"{"BertAttention": ["self.quary"]}"#], "quary"),
    ])
    func badSearchArgumentsAreOneErrorLine(_ extra: [String], _ fragment: String) {
        var errors: [String] = []
        let status = Slimtrace.execute([fixturePath()] + extra, writeHelp: { _ in }, reportError: { errors.append($0) })
        #expect(status == 1)
        #expect(errors.count == 1)
        #expect(errors.first?.contains(fragment) == true, "\(errors)")
    }
}


/// With several batches, the first whose forward runs is traced (INC's dataloader loop).
@Suite struct FirstBatchThatRunsTests {
    @Test func searchAndTraceSkipABatchThatFailsAndUseTheNextOne() throws {
        let scratch = try ScratchFolder()
        let inputs = try scratch.write("""
        {"input_ids": [[101, 99999, 102]]}
        {"input_ids": [[101, 7, 8, 9, 102]]}
        """, to: "batches.jsonl")
        let report = scratch.file("report.json")
        var search = try Slimtrace.parseAsRoot([fixturePath(), "--inputs", inputs.path, "--format", "json", "-o", report.path])
        try search.run()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        let traced = try #require((json["inputs"] as? [[String: Any]])?.first)
        #expect(traced["shape"] as? [Int] == [1, 5])
        let graphFile = scratch.file("graph.json")
        var trace = try Slimtrace.parseAsRoot(["trace", fixturePath(), "--inputs", inputs.path, "--format", "json", "-o", graphFile.path])
        try trace.run()
        #expect(try Graph(jsonData: Data(contentsOf: graphFile)).inputValues.map(\.shape) == [[1, 5]])
    }

    @Test func whenNoBatchRunsTheFirstBatchsErrorNamesItsLine() throws {
        let scratch = try ScratchFolder()
        let inputs = try scratch.write("""
        {"input_ids": [[101, 99999, 102]]}
        {"input_ids": [[101, 88888, 102]]}
        """, to: "bad.jsonl")
        var errors: [String] = []
        let status = Slimtrace.execute([fixturePath(), "--inputs", inputs.path], writeHelp: { _ in }, reportError: { errors.append($0) })
        #expect(status == 1)
        #expect(errors.count == 1 && errors[0].contains("line 1") && errors[0].contains("99999"), "\(errors)")
    }
}
