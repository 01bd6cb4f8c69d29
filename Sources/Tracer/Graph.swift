import Foundation
import Tensor

/// A traced forward pass, like a PyTorch FX graph or a ggml cgraph: `nodes` in execution order,
/// `values` indexed by integer id, each node reading its input values in argument order and
/// producing its output values. Which nodes read a value (`users(of:)`) is derived once when the
/// graph is built (or decoded) and stored.
///
/// Searchers read this structure (ops, value ids, shapes, scopes), never the IR text.
public struct Graph: Sendable, Codable, Equatable {
    /// Every node in execution order; `nodes[i].id == i`.
    public let nodes: [Node]
    /// Every value by id; `values[i].id == i`, produced by `nodes[values[i].producer]`.
    public let values: [Value]
    /// The ids of the values the traced forward returned (empty when it returned no tensors).
    public let outputs: [Int]
    /// Every module of the traced model, PyTorch's `named_modules()` order (pre-order, the root `""`
    /// first, a module reachable by two paths listed once under the first).
    public let modules: [Scope]
    /// `userTable[v]`: indices of the nodes that read value `v`, ascending (derived).
    private let userTable: [[Int]]

    private enum CodingKeys: String, CodingKey {
        case nodes, values, outputs, modules
    }

    /// A graph from its parts; throws `GraphError.inconsistent` unless ids are indices, every value
    /// is an output of its producer, and every node reads only values produced by earlier nodes.
    public init(nodes: [Node], values: [Value], outputs: [Int] = [], modules: [Scope] = []) throws {
        if let problem = Graph.inconsistency(nodes: nodes, values: values, outputs: outputs) {
            throw GraphError.inconsistent(problem)
        }
        self.init(checkedNodes: nodes, values: values, outputs: outputs, modules: modules)
    }

    /// A graph from parts known to be consistent (the tracer builds them so): no validation.
    init(checkedNodes nodes: [Node], values: [Value], outputs: [Int], modules: [Scope]) {
        self.nodes = nodes
        self.values = values
        self.outputs = outputs
        self.modules = modules
        self.userTable = Graph.users(nodes: nodes, valueCount: values.count)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let nodes = try container.decode([Node].self, forKey: .nodes)
        let values = try container.decode([Value].self, forKey: .values)
        let outputs = try container.decodeIfPresent([Int].self, forKey: .outputs) ?? []
        let modules = try container.decodeIfPresent([Scope].self, forKey: .modules) ?? []
        do {
            try self.init(nodes: nodes, values: values, outputs: outputs, modules: modules)
        } catch let error as GraphError {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: error.localizedDescription))
        }
    }

    /// Indices of the nodes that read value `valueID`, in execution order (a node reading the value
    /// twice is listed once).
    public func users(of valueID: Int) -> [Int] {
        userTable[valueID]
    }

    /// The node that produced value `valueID`.
    public func producer(of valueID: Int) -> Node {
        nodes[values[valueID].producer]
    }

    /// The value called `name` (a model input or a dotted parameter name), if any.
    public func value(named name: String) -> Value? {
        values.first { $0.name == name }
    }

    /// The `input` nodes' values, in the order the inputs were given.
    public var inputValues: [Value] {
        nodes.lazy.filter(\.isInput).flatMap(\.outputs).map { values[$0] }
    }

    /// The `param` nodes' values, in first-read order.
    public var parameterValues: [Value] {
        nodes.lazy.filter(\.isParameter).flatMap(\.outputs).map { values[$0] }
    }

    private static func users(nodes: [Node], valueCount: Int) -> [[Int]] {
        var table = [[Int]](repeating: [], count: valueCount)
        for node in nodes {
            for input in node.inputs where table[input].last != node.id {
                table[input].append(node.id)
            }
        }
        return table
    }

    /// A description of the first broken invariant, or nil.
    private static func inconsistency(nodes: [Node], values: [Value], outputs: [Int]) -> String? {
        for (index, value) in values.enumerated() {
            if value.id != index { return "value at index \(index) has id \(value.id)" }
            guard nodes.indices.contains(value.producer) else {
                return "value %\(index) names producer node \(value.producer), but the graph has \(nodes.count) nodes"
            }
            if !nodes[value.producer].outputs.contains(index) {
                return "value %\(index) names producer node \(value.producer), which does not output it"
            }
        }
        for (index, node) in nodes.enumerated() {
            if node.id != index { return "node at index \(index) has id \(node.id)" }
            for output in node.outputs {
                guard values.indices.contains(output), values[output].producer == index else {
                    return "node \(index) (\(node.kind.name)) outputs %\(output), which is not a value it produces"
                }
            }
            for input in node.inputs {
                guard values.indices.contains(input), values[input].producer < index else {
                    return "node \(index) (\(node.kind.name)) reads %\(input), which no earlier node produces"
                }
            }
        }
        if let bad = outputs.first(where: { !values.indices.contains($0) }) {
            return "graph output %\(bad) is not a value"
        }
        return nil
    }
}
