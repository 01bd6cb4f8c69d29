import ArgumentParser
import Formats
import Foundation
import Models
import Searchers

extension Slimtrace {
    /// `slimtrace [search] MODEL`: trace once and run the searchers (the default command).
    public struct Search: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Find the slimmable parts of a checkpoint: feed-forward pairs, attention heads, the classifier head.",
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

        @OptionGroup public var report: FormatOption<ReportFormat>

        @Option(name: .long, help: ArgumentHelp("Searchers to run, comma-separated: linear2linear, mha, head (default: all).", valueName: "list"))
        public var searchers: String?

        @Option(name: .long, help: ArgumentHelp("A recipe, as JSON text or a JSON file: {\"ModuleClass\": [\"sub.path\", ...]}.", valueName: "json|file"))
        public var recipe: String?

        @Flag(name: .long, help: "Explain each finding: the op path that coupled it, what makes it unsafe, and where non-root linears stopped.")
        public var explain = false

        @OptionGroup public var trace: MetaOption
        @OptionGroup public var output: OutputFileOption

        public init() {}

        public func validate() throws {
            _ = try selectedSearchers()
            _ = try parsedRecipe()
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
            let destination = try output.destination(reading: [checkpoint.model, recipeFile] + input.files)
            if checkpoint.model.hasSuffix(".keras") {
                try destination.write(try kerasReport())
                return
            }
            let traced = try TracedModel(checkpoint, input: input, mode: trace.loadMode)
            let searcher = TraceSearcher(model: traced.model, graph: traced.graph, traceSeconds: traced.seconds)
            let result = try SearchReport(trace: searcher, searchers: selectedSearchers(), recipe: parsedRecipe(), explain: explain)
            try destination.write(report.format == .json ? try JSONOutput.string(result) : result.text())
        }

        /// The file `--recipe` names, nil when it is JSON text or not given.
        var recipeFile: String? {
            guard let recipe, !recipe.trimmingCharacters(in: .whitespaces).hasPrefix("{") else { return nil }
            return recipe
        }

        /// `--recipe` as JSON text, or the JSON file it names (nil when not given).
        func parsedRecipe() throws -> [String: [String]]? {
            guard let recipe else { return nil }
            let data: Data
            if let recipeFile {
                guard let contents = FileManager.default.contents(atPath: recipeFile) else {
                    throw ValidationError("--recipe: \(recipeFile) is neither JSON text nor a readable file")
                }
                data = contents
            } else {
                data = Data(recipe.utf8)
            }
            guard let parsed = try? JSONDecoder().decode([String: [String]].self, from: data) else {
                throw ValidationError("--recipe: expected a JSON object of class name to list of sub-module paths, e.g. {\"BertAttention\": [\"self.query\"]}")
            }
            return parsed
        }

        /// The head search over a Keras archive.
        func kerasReport() throws -> String {
            let archive = try KerasArchive(url: checkpoint.url)
            let head = ClassifierHeadSearcherTF(model: archive.model).search()
            if report.format == .json {
                return try JSONOutput.string(KerasHeadReport(model: archive.model.name ?? archive.model.className,
                                                             layers: archive.model.layers.map(\.name), head: head))
            }
            let layers = archive.model.layers.map(\.description).joined(separator: ", ")
            return "\(archive.model.className) \(archive.model.name ?? "") with \(archive.model.layers.count) layers: \(layers)\nClassifier head: \(head ?? "none")"
        }
    }
}

