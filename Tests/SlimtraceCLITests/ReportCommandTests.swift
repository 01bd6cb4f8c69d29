import Formats
import Foundation
import Models
import Report
import Searchers
import Slim
import Testing
import TestFixtures

/// `slimtrace report`: the page holds every layer and finding with the search's numbers, and with
/// `--compare` the slim's numbers; `trace --level module` folds repeated layers.
@Suite struct ReportCommandTests {
    /// `config.json` of a fixture as a dictionary.
    static func config(_ fixture: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.model(fixture).appendingPathComponent("config.json"))) as? [String: Any])
    }

    @Test(arguments: ["bert", "electra", "llama-gqa", "mixtral", "qwen2_moe", "gpt2"])
    func everyLayerAndFindingIsOnThePageWithTheSearchsNumbers(_ fixture: String) throws {
        let scratch = try ScratchFolder()
        let page = scratch.file("report.html"), json = scratch.file("search.json")
        #expect(execute(["report", fixturePath(fixture), "-o", page.path]).status == 0)
        #expect(execute(["search", fixturePath(fixture), "--format", "json", "--explain", "-o", json.path]).status == 0)
        let report = try ReportPage(file: page)
        let embedded = try JSONDecoder().decode(SearchReport.self, from: try #require(report.json("slimtrace-search")))
        let search = try JSONDecoder().decode(SearchReport.self, from: Data(contentsOf: json))
        #expect(embedded.linear2linear == search.linear2linear && embedded.mha == search.mha && embedded.head == search.head && embedded.inputs == search.inputs)

        // Every layer of the config has a row.
        let config = try Self.config(fixture)
        let layerCount = try #require((config["num_hidden_layers"] ?? config["n_layer"]) as? Int)
        let rows = report.elements(with: "data-layer").compactMap { $0["data-layer"] }.filter { !$0.isEmpty }
        #expect(rows.count == layerCount)
        #expect(rows.map { Int($0.split(separator: ".").last!)! } == Array(0..<layerCount))

        // Every attention finding is drawn with its heads; the heads are the config's.
        let heads = (config["num_attention_heads"] ?? config["n_head"]) as? Int
        let kvHeads = (config["num_key_value_heads"] as? Int) ?? heads
        let drawnBlocks = report.elements(with: "data-mha")
        #expect(drawnBlocks.map { $0["data-mha"]! } == (search.mha ?? []).map { $0.mhaName[0] })
        for (block, finding) in zip(drawnBlocks, search.mha ?? []) {
            #expect(block["data-heads"].flatMap(Int.init) == finding.numHeads && finding.numHeads == heads)
            #expect(block["data-kv-heads"].flatMap(Int.init) == finding.numKVHeads && finding.numKVHeads == kvHeads)
        }

        // Every pair is drawn, marked safe or not, as wide as its root's input (the checkpoint's weight).
        let weights = try SafetensorsFile(url: Fixtures.model(fixture).appendingPathComponent("model.safetensors"))
        let drawnPairs = report.elements(with: "data-root").filter { $0["data-safe"] != nil }
        #expect(drawnPairs.map { $0["data-root"]! } == (search.linear2linear ?? []).map(\.rootLinear))
        for (pair, finding) in zip(drawnPairs, search.linear2linear ?? []) {
            #expect(pair["data-safe"] == String(finding.safe))
            if let reason = finding.explain?.unsafeBecause { #expect(report.html.contains(ReportPage.escaped(reason)), "\(reason)") }
            let name = finding.rootLinear + ".weight"
            guard weights.names.contains(name), fixture != "gpt2" else { continue }
            #expect(pair["data-channels"].flatMap(Int.init) == weights.entry(named: name)?.shape.last, "\(name)")
        }
    }

    @Test(arguments: ["bert-pruned", "llama-pruned"])
    func compareShowsTheSlimsNumbers(_ fixture: String) throws {
        let scratch = try ScratchFolder()
        let slimmed = scratch.file("slim")
        let slim = try CheckpointSlimmer(directory: Fixtures.model(fixture)).slim(to: slimmed)
        #expect(!slim.changes.isEmpty)
        let page = scratch.file("report.html")
        #expect(execute(["report", fixturePath(fixture), "--compare", slimmed.path, "--repeat", "1", "--warmup", "0", "-o", page.path]).status == 0)
        let report = try ReportPage(file: page)
        let comparison = try JSONDecoder().decode(ModelComparison.self, from: try #require(report.json("slimtrace-compare")))
        #expect(comparison.parametersBefore == slim.parametersBefore && comparison.parametersAfter == slim.parametersAfter)
        #expect(comparison.flopsBefore.linear - comparison.flopsAfter.linear == slim.flopsSaved)
        let attention = comparison.layers.flatMap(\.heads), channels = comparison.layers.flatMap(\.channels)
        for change in slim.changes {
            switch change.kind {
            case .channels:
                let pair = try #require(channels.first { $0.root == change.modules[0] })
                #expect(pair.before == change.before && pair.after == change.after, "\(change.modules[0])")
                #expect(report.elements(with: "data-root").contains { $0["data-root"] == pair.root && $0["data-channels-after"] == String(change.after) })
            case .heads:
                let block = try #require(attention.first { change.modules[0].hasPrefix($0.name + ".") })
                #expect(block.headsBefore == change.before && block.headsAfter == change.after, "\(block.name)")
                if let kvAfter = change.keyValueHeadsAfter { #expect(block.kvHeadsAfter == kvAfter) }
                #expect(block.removed == change.removed, "the removed heads are drawn where the slim took them")
                #expect(report.elements(with: "data-mha").contains { $0["data-mha"] == block.name && $0["data-heads-after"] == String(change.after) })
            }
        }
        // Unchanged blocks and pairs keep their sizes.
        let changed = Set(slim.changes.map { $0.modules[0] })
        for pair in channels where !changed.contains(pair.root) { #expect(pair.before == pair.after, "\(pair.root)") }
        #expect(report.json("slimtrace-bench") != nil, "both forwards are profiled side by side")
    }

    /// A BERT config alone (meta) with `layers` layers, in `scratch`.
    static func bertConfig(layers: Int, in scratch: ScratchFolder) throws -> URL {
        var config = try Self.config("bert")
        config["num_hidden_layers"] = layers
        let folder = scratch.file("bert-\(layers)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        return folder
    }

    @Test func moduleLevelDOTFoldsTheLayersIntoOneClusterWhateverTheirCount() throws {
        let scratch = try ScratchFolder()
        var nodeCounts: [Int] = []
        for layers in [2, 12, 40] {
            let dot = scratch.file("modules-\(layers).dot")
            #expect(execute(["trace", try Self.bertConfig(layers: layers, in: scratch).path, "--meta", "--format", "dot", "--level", "module", "-o", dot.path]).status == 0)
            let text = try String(contentsOf: dot, encoding: .utf8)
            #expect(text.contains("bert.encoder.layer.0…\(layers - 1) × \(layers)"), "all \(layers) layers named in the folded cluster")
            #expect(!text.contains("layer.1.") && !text.contains("layer.\(layers - 1)."), "no layer drawn twice")
            nodeCounts.append(text.components(separatedBy: " [label=").count - text.components(separatedBy: " -> ").count)
        }
        #expect(Set(nodeCounts).count == 1, "node count independent of the layer count: \(nodeCounts)")
        #expect(execute(["trace", fixturePath(), "--level", "module"]).status == 1, "--level module needs --format dot")
    }

    @Test func seventyBillionShapedConfigReportsEveryLayerUnderTwoMegabytes() throws {
        let scratch = try ScratchFolder()
        var config = try Self.config("llama-gqa")
        for (key, value) in ["hidden_size": 8192, "intermediate_size": 28672, "num_attention_heads": 64, "num_key_value_heads": 8, "num_hidden_layers": 80, "vocab_size": 32000] {
            config[key] = value
        }
        let folder = scratch.file("llama-70b")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        let page = scratch.file("report.html")
        #expect(execute(["report", folder.path, "--meta", "-o", page.path]).status == 0)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: page.path)[.size] as? Int)
        #expect(size < 2_000_000, "\(size) bytes")
        let report = try ReportPage(file: page)
        #expect(report.elements(with: "data-layer").count == 80)
        #expect(report.elements(with: "data-mha").allSatisfy { $0["data-heads"] == "64" && $0["data-kv-heads"] == "8" })
    }
}
