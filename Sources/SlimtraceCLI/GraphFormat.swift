import ArgumentParser
import Tracer

/// How `trace` writes the graph.
public enum GraphFormat: String, OutputFormat {
    /// TorchScript-style IR text, one line per node (INC's `flatten_static_graph`).
    case ir
    /// The Graph as JSON (nodes, values, outputs, modules), pretty-printed; `Graph(jsonData:)` reads it back.
    case json
    /// A Graphviz digraph, one cluster per module (`dot -Tsvg graph.dot -o graph.svg`).
    case dot

    public static let defaultFormat = GraphFormat.ir
    public static let help = ArgumentHelp("Graph format: ir (one line per op), json (the Graph, readable back) or dot (Graphviz, one cluster per module).", valueName: "ir|json|dot")

    /// The graph in this format.
    public func render(_ graph: Graph) throws -> String {
        switch self {
        case .ir: graph.irText
        case .json: try graph.jsonString(prettyPrinted: true) + "\n"
        case .dot: graph.dot
        }
    }
}
