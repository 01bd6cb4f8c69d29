import ArgumentParser
import Foundation
import Models
import Profiler
import Report
import Searchers
import Tracer

extension Slimtrace {
    /// `slimtrace report MODEL -o report.html`: one self-contained HTML page about a checkpoint.
    public struct Report: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write one self-contained HTML page: the model at a glance, its layers and findings, its module graph.",
            discussion: """
            Traces MODEL once (as search does, with --explain) and writes a single HTML file with inline \
            CSS and SVG, readable offline and printable: the model at a glance (family, class, \
            parameters, layers, heads, inputs traced); a layer-by-layer diagram (attention heads as cells \
            with key/value groups outlined, feed-forward channels as bars, unsafe findings hatched with \
            the reason); every finding; the module graph with repeated layers folded; and the exact \
            command line. The search's JSON (as search --format json --explain prints it) is embedded \
            as <script type="application/json" id="slimtrace-search">.

            --compare SLIMMED adds the slimmed (or pruned) checkpoint traced on the same batch: heads \
            and channels kept and removed per layer, parameters and FLOPs before and after, and both \
            forwards profiled by module class (--repeat, --warmup) and drawn as bars, as bench \
            --compare measures them (not when a model is traced shapes only). Colours are the \
            Okabe–Ito palette with patterns, so they read in greyscale and to colour-blind readers.

            Examples:
              slimtrace report Examples/tiny-bert -o tiny-bert.html
              slimtrace report path/to/pruned-bert --compare bert-slim -o slim.html
              slimtrace report path/to/llama-70b-config-only --meta -o llama-70b.html
            """
        )

        @OptionGroup public var checkpoint: ModelArguments
        @OptionGroup public var input: InputOptions

        @Option(name: .long, help: ArgumentHelp("A slimmed or pruned version of MODEL to compare with, traced and profiled on the same batch.", valueName: "other-model"))
        public var compare: String?

        @Option(name: .customLong("repeat"), parsing: .unconditional, help: ArgumentHelp("Profiled forwards per model with --compare.", valueName: "n"))
        public var repeatCount: Int = 5

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Untimed forwards per model before profiling with --compare.", valueName: "n"))
        public var warmup: Int = 1

        @OptionGroup public var trace: MetaOption
        @OptionGroup public var output: OutputFileOption

        public init() {}

        public func validate() throws {
            try ForwardProfiles.validate(repeatCount: repeatCount, warmup: warmup, compare: compare)
        }

        public func run() throws {
            let destination = try output.destination(reading: [checkpoint.model, compare] + input.files)
            let traced = try TracedModel(checkpoint, input: input, mode: trace.loadMode)
            let search = try SearchReport(trace: TraceSearcher(model: traced.model, graph: traced.graph, traceSeconds: traced.seconds), explain: true)
            let moduleGraph = ModuleGraph(traced.graph)
            let layers = LayerMap(search: search, graph: traced.graph, moduleGraph: moduleGraph)
            let parameters = Report.parameterCount(traced.model)
            let family = try ConfigFile(url: checkpoint.url.appendingPathComponent("config.json")).modelType
            let overview = HTMLReport.Overview(checkpoint: checkpoint.model, family: family, parameters: parameters, isMeta: traced.loaded.isMeta)
            let comparison = try compare.map { try comparing(traced, layers: layers, parameters: parameters, with: $0) }
            let page = HTMLReport(overview: overview, search: search, layers: layers, moduleGraph: moduleGraph,
                                  comparison: comparison, command: Report.commandLine(Slimtrace.arguments))
            try destination.write(try page.html())
            if let file = output.output {
                print("\(search.model): \(layers.layers.count) layer rows, \((search.mha ?? []).count + (search.linear2linear ?? []).count) findings; report written to \(file)")
            }
        }

        /// The second model traced (and, when both have weights, profiled) on MODEL's batch.
        func comparing(_ traced: TracedModel, layers: LayerMap, parameters: Int, with path: String) throws -> HTMLReport.Comparison {
            let other = try ModelArguments.load(path: path, traced.loaded.isMeta ? .meta : trace.loadMode)
            try other.model.validate(traced.inputs)
            let otherTrace = try other.model.traceFirstThatRuns([traced.inputs])
            let otherSearch = try SearchReport(trace: TraceSearcher(model: other.model, graph: otherTrace.graph, traceSeconds: otherTrace.seconds), explain: true)
            let otherLayers = LayerMap(search: otherSearch, graph: otherTrace.graph, moduleGraph: ModuleGraph(otherTrace.graph))
            let models = ModelComparison(other: path, before: layers, after: otherLayers,
                                         parameters: (parameters, Report.parameterCount(other.model)),
                                         flops: (GraphFLOPs(traced.graph), GraphFLOPs(otherTrace.graph)),
                                         removedHeads: Report.recordedRemovedHeads(other.directory))
            guard !traced.loaded.isMeta, !other.isMeta else {
                return HTMLReport.Comparison(models: models, bench: nil, benchNote: "Not profiled: a model was traced shapes only (meta), so neither forward can be timed.")
            }
            let reports = try ForwardProfiles.measure([(checkpoint.model, traced.model), (path, other.model)], batch: traced.inputs, source: nil,
                                                      warmup: warmup, repeatCount: repeatCount, by: .type)
            return HTMLReport.Comparison(models: models, bench: ProfileComparison(before: reports[0], after: reports[1]), benchNote: nil)
        }

        /// The query heads a slimmed checkpoint's `config.json` records as removed, by layer path
        /// (`slimtrace.layers.<layer>.removed_heads`); empty for any other checkpoint.
        static func recordedRemovedHeads(_ directory: URL) -> [String: [Int]] {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("config.json").path),
                  let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let layers = (config["slimtrace"] as? [String: Any])?["layers"] as? [String: Any] else { return [:] }
            return layers.compactMapValues { ($0 as? [String: Any])?["removed_heads"] as? [Int] }
        }

        /// Elements of `model`'s distinct parameters (a tied parameter counts once).
        static func parameterCount(_ model: any TransformerModel) -> Int {
            model.uniqueParameters().reduce(0) { $0 + $1.parameter.tensor.elementCount }
        }

        /// `slimtrace report ...` as a shell would take it: arguments with spaces or quotes single-quoted.
        static func commandLine(_ arguments: [String]) -> String {
            let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:@%+")
            return (["slimtrace"] + arguments).map { argument in
                !argument.isEmpty && argument.allSatisfy(safe.contains) ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
            }.joined(separator: " ")
        }
    }
}
