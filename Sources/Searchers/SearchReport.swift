import Foundation
import Tensor
import Tracer

/// Which searchers a search runs (`--searchers linear2linear,mha,head`).
public enum SearcherKind: String, CaseIterable, Codable, Sendable {
    case linear2linear, mha, head
}

/// Everything one search found, in the machine report's shape: the fields keep INC's names and
/// structure (`linear2linear`, `mha`, `head`), so a Python user can consume it.
public struct SearchReport: Codable, Sendable {
    /// One model input as traced.
    public struct Input: Codable, Equatable, Sendable {
        public var name: String
        public var shape: [Int]
        public var dtype: String
    }

    /// The root module's class (`BertForSequenceClassification`).
    public var model: String
    /// The searchers that ran (a finding list is absent, and `head` null, for one that did not).
    public var searchers: [SearcherKind]
    /// The inputs the trace ran on.
    public var inputs: [Input]
    /// Linear2Linear findings, when that searcher ran.
    public var linear2linear: [Linear2LinearFinding]?
    /// Attention findings, when that searcher ran.
    public var mha: [AttentionFinding]?
    /// The classifier head (nil when there is none or the searcher did not run).
    public var head: String?
    /// Recipe matches (`--recipe`): per matching module, the paths of its recipe entries.
    public var recipe: [[String]]?
    /// With `--explain`: linears that are not roots, with the op that stopped the walk.
    public var stoppedLinears: [StoppedLinear]?
    /// Nodes in the traced graph.
    public var graphNodes: Int
    /// Seconds the traced forward took.
    public var traceSeconds: Double
    /// Seconds the searchers took together.
    public var searchSeconds: Double

    enum CodingKeys: String, CodingKey {
        case model, searchers, inputs, linear2linear, mha, head, recipe
        case stoppedLinears = "stopped_linears"
        case graphNodes = "graph_nodes"
        case traceSeconds = "trace_seconds"
        case searchSeconds = "search_seconds"
    }

    /// Runs the chosen searchers over a trace.
    public init(trace: TraceSearcher, searchers: Set<SearcherKind> = Set(SearcherKind.allCases),
                recipe: [String: [String]]? = nil, explain: Bool = false) throws {
        let start = DispatchTime.now()
        model = trace.model.typeName
        self.searchers = SearcherKind.allCases.filter(searchers.contains)
        inputs = trace.graph.inputValues.map { Input(name: $0.name ?? "", shape: $0.shape, dtype: $0.dtype.rawValue) }
        let linearSearch = Linear2LinearSearcher(trace: trace)
        linear2linear = searchers.contains(.linear2linear) ? linearSearch.searchWithRoutedExperts(explain: explain) : nil
        stoppedLinears = explain && searchers.contains(.linear2linear) ? linearSearch.stoppedLinears() : nil
        mha = searchers.contains(.mha) ? SelfMHASearcher(trace: trace).search() : nil
        head = searchers.contains(.head) ? ClassifierHeadSearcher(model: trace.model).search() : nil
        self.recipe = try recipe.map { try RecipeSearcher(model: trace.model, recipe: $0).search().map { $0.map(\.path) } }
        graphNodes = trace.graph.nodes.count
        traceSeconds = trace.traceSeconds
        searchSeconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(searchers, forKey: .searchers)
        try container.encode(inputs, forKey: .inputs)
        try container.encodeIfPresent(linear2linear, forKey: .linear2linear)
        try container.encodeIfPresent(mha, forKey: .mha)
        if searchers.contains(.head) { try container.encode(head, forKey: .head) }
        try container.encodeIfPresent(recipe, forKey: .recipe)
        try container.encodeIfPresent(stoppedLinears, forKey: .stoppedLinears)
        try container.encode(graphNodes, forKey: .graphNodes)
        try container.encode(traceSeconds, forKey: .traceSeconds)
        try container.encode(searchSeconds, forKey: .searchSeconds)
    }
}
