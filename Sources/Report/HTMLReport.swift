import Foundation
import Profiler
import Searchers
import Tracer

/// `slimtrace report`'s page: one self-contained HTML file (inline CSS and SVG, no script to run,
/// nothing fetched) showing a model at a glance, its layers with their findings, the module graph
/// with repeated layers folded, and with a second model (`--compare`) what slimming kept and
/// removed and where the forward time went; the search's JSON (INC's shape, as `search --format
/// json`) is embedded for tools as `<script type="application/json" id="slimtrace-search">`, and
/// the comparison as `slimtrace-compare` and `slimtrace-bench`. Like TensorBoard's or Netron's
/// model views, but a file that prints.
public struct HTMLReport {
    /// The model at a glance.
    public struct Overview: Sendable {
        /// The checkpoint as given.
        public var checkpoint: String
        /// `config.json`'s `model_type`.
        public var family: String
        /// Elements of the distinct parameters.
        public var parameters: Int
        /// True when traced without weights (`--meta`).
        public var isMeta: Bool

        public init(checkpoint: String, family: String, parameters: Int, isMeta: Bool) {
            self.checkpoint = checkpoint
            self.family = family
            self.parameters = parameters
            self.isMeta = isMeta
        }
    }

    /// The second model, when comparing.
    public struct Comparison: Sendable {
        public var models: ModelComparison
        /// Both forwards profiled on the same batch (nil when a model has no weights to run).
        public var bench: ProfileComparison?
        /// Why there is no profile, when there is none.
        public var benchNote: String?

        public init(models: ModelComparison, bench: ProfileComparison?, benchNote: String?) {
            self.models = models
            self.bench = bench
            self.benchNote = benchNote
        }
    }

    public var overview: Overview
    public var search: SearchReport
    public var layers: LayerMap
    public var moduleGraph: ModuleGraph
    public var comparison: Comparison?
    /// The command line that produced the page, as typed.
    public var command: String

    public init(overview: Overview, search: SearchReport, layers: LayerMap, moduleGraph: ModuleGraph,
                comparison: Comparison?, command: String) {
        self.overview = overview
        self.search = search
        self.layers = layers
        self.moduleGraph = moduleGraph
        self.comparison = comparison
        self.command = command
    }

    /// The page.
    public func html() throws -> String {
        var sections: [Markup] = [header, glance, layerSection, findingsSection]
        if let comparison { sections += comparisonSections(comparison) }
        sections.append(.tag("section", ["id": "module-graph"], [
            .tag("h2", text: "Module graph"),
            .tag("p", ["class": "muted"], text: "Modules that ran ops, tensors between them as arrows (hover for shapes); repeated layers are folded into one box labelled with their range. `slimtrace trace MODEL --format dot --level module` writes the same graph for Graphviz."),
            .tag("div", ["class": "scroll"], [moduleGraph.svg]),
        ]))
        sections.append(try dataSection)
        let page = Markup.tag("html", ["lang": "en"], [
            .tag("head", [:], [
                .tag("meta", ["charset": "utf-8"]),
                .tag("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
                .tag("meta", ["name": "generator", "content": "slimtrace"]),
                .tag("title", text: "slimtrace report: \(search.model) (\(overview.family))"),
                .tag("style", [:], [.text(ReportStyle.css)]),
            ]),
            .tag("body", [:], sections),
        ])
        return "<!DOCTYPE html>\n" + page.rendered + "\n"
    }

    var header: Markup {
        .tag("header", [:], [
            .tag("h1", text: "\(search.model) — slimtrace report"),
            .tag("p", ["class": "muted"], [.text("Checkpoint "), .tag("code", text: overview.checkpoint),
                                           .text(comparison.map { _ in " compared with " } ?? ""),
                                           comparison.map { .tag("code", text: $0.models.other) } ?? .text("")]),
        ])
    }

    /// The model at a glance.
    var glance: Markup {
        let attention = layers.layers.flatMap(\.attention)
        let pairs = layers.layers.flatMap(\.channelPairs)
        let stackLayers = moduleGraph.stacks.reduce(0) { $0 + $1.indices.count }
        func distinct(_ values: [Int?]) -> String {
            let known = Array(Set(values.compactMap { $0 })).sorted()
            return known.isEmpty ? "–" : known.map(String.init).joined(separator: ", ")
        }
        var rows: [(String, String)] = [
            ("Family (model_type)", overview.family),
            ("Class", search.model),
            ("Parameters", "\(NumberText.grouped(overview.parameters)) (\(NumberText.short(Double(overview.parameters))))"),
            ("Layers", "\(stackLayers)" + moduleGraph.stacks.map { " — \($0.path) (\($0.typeName ?? "?"))" }.joined()),
            ("Attention heads", distinct(attention.map(\.heads))),
            ("Key/value heads", distinct(attention.map(\.kvHeads))),
            ("Head size", distinct(attention.map(\.headSize))),
            ("Feed-forward channels", distinct(pairs.map(\.channels))),
            ("Inputs traced", search.inputs.map { "\($0.name) \($0.shape.map(String.init).joined(separator: "×")) \($0.dtype)" }.joined(separator: "; ")),
            ("Trace", overview.isMeta ? "shapes only (meta: no weight read)" : "real weights"),
            ("Findings", "\(attention.count) attention blocks, \(pairs.count) feed-forward pairs (\(pairs.filter { !$0.safe }.count) unsafe)"),
            ("Classifier head", search.head ?? "none"),
            ("Graph", "\(NumberText.grouped(search.graphNodes)) op-level nodes, \(moduleGraph.nodes.count) module-level nodes"),
        ]
        if search.searchers.count < SearcherKind.allCases.count { rows.append(("Searchers", search.searchers.map(\.rawValue).joined(separator: ", "))) }
        return .tag("section", ["id": "glance"], [
            .tag("h2", text: "At a glance"),
            .tag("table", ["class": "glance"], rows.map { .tag("tr", [:], [.tag("th", text: $0.0), .tag("td", text: $0.1)]) }),
        ])
    }

    /// Every finding, one row each, as the JSON report lists them.
    var findingsSection: Markup {
        var rows: [Markup] = [.tag("tr", [:], ["kind", "modules", "safe", "detail"].map { .tag("th", text: $0) })]
        for finding in search.mha ?? [] {
            var detail = [finding.numHeads.map { "\($0) heads" }, finding.numKVHeads.map { "\($0) kv heads" }, finding.headSize.map { "head size \($0)" }].compactMap { $0 }
            if finding.fusedQKV { detail.append("fused qkv" + (finding.qkvLayout.map { " (\($0.rawValue))" } ?? "")) }
            rows.append(.tag("tr", ["data-finding": "mha"], [
                .tag("td", text: "attention"),
                .tag("td", ["class": "mono"], text: "\(finding.mhaName.joined(separator: ", ")): qkv \(finding.qkv.joined(separator: ", ")) → \(finding.ffn.joined(separator: ", "))"),
                .tag("td", text: "–"),
                .tag("td", text: detail.joined(separator: ", ")),
            ]))
        }
        for finding in search.linear2linear ?? [] {
            var detail: [String] = []
            if let experts = finding.experts { detail.append("\(experts) routed experts") }
            if finding.fusedGLU == true { detail.append("fused GLU") }
            if let reason = finding.explain?.unsafeBecause { detail.append("unsafe because: \(reason)") }
            rows.append(.tag("tr", ["data-finding": "linear2linear", "data-root": finding.rootLinear], [
                .tag("td", text: "feed-forward pair"),
                .tag("td", ["class": "mono"], text: "\(finding.rootLinear) ← \(finding.targetFrontierLinears.joined(separator: ", "))"),
                finding.safe ? .tag("td", ["class": "safe-text"], text: "safe") : .tag("td", ["class": "unsafe-text"], text: "UNSAFE"),
                .tag("td", text: detail.joined(separator: "; ")),
            ]))
        }
        return .tag("section", ["id": "findings"], [
            .tag("h2", text: "Findings"),
            .tag("p", ["class": "muted"], text: "INC's searchers' answers (linear2linear, mha) with slimtrace's additions; an unsafe pair is one a residual joins, with the op --explain names."),
            .tag("table", ["class": "findings"], rows),
        ])
    }

    /// The command line and the embedded JSON.
    var dataSection: Markup {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var children: [Markup] = [
                .tag("h2", text: "How this page was made"),
                .tag("pre", ["class": "command", "id": "slimtrace-command"], text: command),
                .tag("p", ["class": "muted"], [
                    .text("The search's JSON report (as "), .tag("code", text: "slimtrace search --format json --explain"),
                    .text(" prints it) is embedded as "), .tag("code", text: "<script type=\"application/json\" id=\"slimtrace-search\">"),
                    .text(comparison == nil ? "." : "; the comparison as slimtrace-compare and the profiles as slimtrace-bench."),
                ]),
                .json(id: "slimtrace-search", String(decoding: try encoder.encode(search), as: UTF8.self)),
                .json(id: "slimtrace-layers", String(decoding: try encoder.encode(layers), as: UTF8.self)),
            ]
            if let comparison {
                children.append(.json(id: "slimtrace-compare", String(decoding: try encoder.encode(comparison.models), as: UTF8.self)))
                if let bench = comparison.bench {
                    children.append(.json(id: "slimtrace-bench", String(decoding: try encoder.encode(bench), as: UTF8.self)))
                }
            }
            return .tag("section", ["id": "data"], children)
        }
    }
}
