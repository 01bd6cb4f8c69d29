import ArgumentParser
import Formats
import Foundation
import Models
import Searchers

/// `slimtrace [search] MODEL`: trace once and run the searchers (the default command).
public struct Search: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Find the slimmable parts of a checkpoint (the default command).",
        discussion: """
        Traces one forward pass (like Intel Neural Compressor's pattern_analyzer does with \
        torch.jit.trace) and reads the graph:
          linear2linear  linear layers coupled through elementwise ops only (feed-forward pairs); \
        each says whether it is safe to slim (no residual joins the coupled channels)
          mha            attention blocks: q/k/v linears, output projection, head geometry \
        (grouped-query attention and fused qkv included)
          head           the classifier head (the last Linear/Conv2d, if it is the last module)

        With --inputs (or texts: --text, --text-file), the first batch whose forward pass runs is \
        traced (as INC walks its dataloader); if none runs, the first batch's error is reported.

        MODEL may also be a Keras .keras archive: then only the classifier head is searched (Keras \
        layer classes Dense and Conv2D).

        --format json prints the machine report; its fields keep INC's shapes (linear2linear: \
        [{root_linear, target_frontier_linears, safe}], mha: [{qkv, ffn, mha_name, ...}], head). \
        --explain adds the op path behind each finding, the op that makes a finding unsafe, and \
        the linears whose walk stopped (and where).

        Examples:
          slimtrace Examples/tiny-bert
          slimtrace Examples/tiny-bert --shape 1,128 --format json
          slimtrace path/to/bert --text "Slimming keeps the outputs." --text-file texts.txt
          slimtrace Examples/tiny-bert --searchers linear2linear --explain
          slimtrace Examples/tiny-bert --recipe '{"BertAttention": ["self.query", "self.key", "self.value", "output.dense"]}'
          slimtrace path/to/llama-70b-config-only --meta
        """
    )

    @OptionGroup public var checkpoint: ModelArguments
    @OptionGroup public var input: InputOptions

    @Option(name: .long, help: "Report format: text (readable) or json (INC's field names).")
    public var format: ReportFormat = .text

    @Option(name: .long, help: ArgumentHelp("Searchers to run, comma-separated: linear2linear, mha, head (default: all).", valueName: "list"))
    public var searchers: String?

    @Option(name: .long, help: ArgumentHelp("A recipe, as JSON text or a JSON file: {\"ModuleClass\": [\"sub.path\", ...]}.", valueName: "json|file"))
    public var recipe: String?

    @Flag(name: .long, help: "Explain each finding: the op path that coupled it, what makes it unsafe, and where non-root linears stopped.")
    public var explain = false

    @Flag(name: .long, help: "Trace shapes only: no weight is read (automatic when the folder has no weights or they exceed memory).")
    public var meta = false

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    public var output: String?

    public init() {}

    /// The formats of the search report.
    public enum ReportFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case text, json
    }

    public func validate() throws {
        _ = try selectedSearchers()
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
    }

    /// `--searchers` parsed (all when absent).
    func selectedSearchers() throws -> Set<SearcherKind> {
        guard let searchers else { return Set(SearcherKind.allCases) }
        let valid = SearcherKind.allCases.map(\.rawValue).joined(separator: ", ")
        let names = searchers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("--searchers \"\(searchers)\" names no searcher (use \(valid))") }
        return Set(try names.map { name in
            guard let kind = SearcherKind(rawValue: name) else {
                throw ValidationError("--searchers: unknown searcher \"\(name)\" (use \(valid))")
            }
            return kind
        })
    }

    public func run() throws {
        let destination = try OutputDestination(output, inputs: [checkpoint.model, recipeFile] + input.files)
        if checkpoint.model.hasSuffix(".keras") {
            try destination.write(try kerasReport())
            return
        }
        let loaded = try checkpoint.load(meta ? .meta : .auto)
        if let reason = loaded.metaReason, !meta {
            Slimtrace.writeToStandardError("note: tracing shapes only (no weight read): \(reason)")
        }
        let candidates = try input.batches(for: loaded, meta: loaded.isMeta)
        let trace: TraceSearcher
        do {
            let traced = try loaded.model.traceFirstThatRuns(candidates.map(\.inputs))
            trace = TraceSearcher(model: loaded.model, graph: traced.graph, traceSeconds: traced.seconds)
        } catch {
            guard let source = candidates.first?.source else { throw error }
            throw CLIError.batchFailed(batch: source, detail: Slimtrace.describe(error))
        }
        let report = try SearchReport(trace: trace, searchers: selectedSearchers(), recipe: parsedRecipe(), explain: explain)
        try destination.write(format == .json ? try report.json() : report.text())
    }

    /// The file `--recipe` names, nil when it is JSON text or not given.
    var recipeFile: String? {
        guard let recipe, !recipe.trimmingCharacters(in: .whitespaces).hasPrefix("{") else { return nil }
        return recipe
    }

    /// `--recipe` as JSON text, or the JSON file it names.
    func parsedRecipe() throws -> [String: [String]]? {
        guard let recipe else { return nil }
        let data: Data
        if let recipeFile {
            guard let contents = FileManager.default.contents(atPath: recipeFile) else {
                throw CLIError.invalidArgument("--recipe: \(recipeFile) is neither JSON text nor a readable file")
            }
            data = contents
        } else {
            data = Data(recipe.utf8)
        }
        guard let parsed = try? JSONDecoder().decode([String: [String]].self, from: data) else {
            throw CLIError.invalidArgument("--recipe: expected a JSON object of class name to list of sub-module paths, e.g. {\"BertAttention\": [\"self.query\"]}")
        }
        return parsed
    }

    /// The head search over a Keras archive.
    func kerasReport() throws -> String {
        let archive = try KerasArchive(url: checkpoint.url)
        let head = ClassifierHeadSearcherTF(model: archive.model).search()
        if format == .json {
            let report = KerasHeadReport(model: archive.model.name ?? archive.model.className, layers: archive.model.layers.map(\.name), head: head)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: try encoder.encode(report), as: UTF8.self)
        }
        let layers = archive.model.layers.map(\.description).joined(separator: ", ")
        return "\(archive.model.className) \(archive.model.name ?? "") with \(archive.model.layers.count) layers: \(layers)\nClassifier head: \(head ?? "none")"
    }
}

/// The JSON report of a Keras head search.
struct KerasHeadReport: Codable {
    let model: String
    let layers: [String]
    let head: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(layers, forKey: .layers)
        try container.encode(head, forKey: .head)
    }
}
