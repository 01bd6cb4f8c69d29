import Foundation
import Testing
import Tensor
import Tracer

private func traceTwoLayer() throws -> Graph {
    let model = TwoLayer()
    let ids = Tensor.meta(shape: [1, 3], dtype: .i64)
    return try Tracer.trace(model: model, inputs: [("input_ids", ids)]) { try model($0[0]) }.graph
}

@Suite struct GraphExportTests {
    @Test func irTextPrintsOneTorchScriptStyleLinePerNode() throws {
        let graph = try traceTwoLayer()
        let expected = """
            %0 : Long(1, 3) = input[name="input_ids"]()
            %1 : Float(10, 4) = param[name="embed.weight"](), scope: embed (Embedding)
            %2 : Float(1, 3, 4) = embedding(%1, %0), scope: embed (Embedding)
            %3 : Float(8, 4) = param[name="fc1.weight"](), scope: fc1 (Linear)
            %4 : Float(8) = param[name="fc1.bias"](), scope: fc1 (Linear)
            %5 : Float(1, 3, 8) = linear(%2, %3, %4), scope: fc1 (Linear)
            %6 : Float(1, 3, 8) = gelu[approximate="none"](%5), scope: act (GELUActivation)
            %7 : Float(4, 8) = param[name="fc2.weight"](), scope: fc2 (Linear)
            %8 : Float(1, 3, 4) = linear(%6, %7), scope: fc2 (Linear)
            %9 : Float(4) = constant(), scope: <root> (TwoLayer)
            %10 : Float(1, 3, 4) = add(%8, %9), scope: <root> (TwoLayer)
            %11 : Float(1, 3, 4) = mul[other=0.5](%10), scope: <root> (TwoLayer)
            return (%11)

            """
        #expect(graph.irText == expected)
        #expect(graph.irLines() == Array(expected.split(separator: "\n").dropLast().map(String.init)))
    }

    @Test func irTypeNamesFollowPyTorch() {
        #expect(DType.allCases.map { Graph.irType($0, shape: [2]) } == ["Float(2)", "Half(2)", "BFloat16(2)", "Long(2)", "Int(2)", "Bool(2)"])
        #expect(Graph.irType(.f32, shape: []) == "Float()")
    }

    @Test func irPrintsMultipleOutputsAndSortedAttributes() throws {
        let x = Node(id: 0, kind: .input, inputs: [], outputs: [0])
        let split = Node(id: 1, kind: .op(.split), inputs: [0, 0], outputs: [1, 2], attributes: ["sizes": .ints([2, 2]), "dim": .int(-1)],
                         scope: Scope(path: "a.b", typeName: "Split"))
        let graph = try Graph(nodes: [x, split], values: [
            Value(id: 0, shape: [4], dtype: .bool, producer: 0, name: "mask"),
            Value(id: 1, shape: [2], dtype: .f32, producer: 1),
            Value(id: 2, shape: [2], dtype: .f32, producer: 1),
        ])
        #expect(graph.irLines() == [
            "%0 : Bool(4) = input[name=\"mask\"]()",
            "%1 : Float(2), %2 : Float(2) = split[dim=-1, sizes=[2, 2]](%0, %0), scope: a.b (Split)",
        ])
        // A node reading the same value twice is one user.
        #expect(graph.users(of: 0) == [1])
    }

    @Test func jsonRoundTripGivesTheSameGraph() throws {
        let graph = try traceTwoLayer()
        for pretty in [false, true] {
            let data = try graph.jsonData(prettyPrinted: pretty)
            let decoded = try Graph(jsonData: data)
            #expect(decoded == graph)
            #expect(decoded.users(of: 2) == graph.users(of: 2))
            #expect(try decoded.jsonData(prettyPrinted: pretty) == data)
        }
        let text = try graph.jsonString()
        #expect(text.hasPrefix("{\"modules\":[{\"path\":\"\",\"typeName\":\"TwoLayer\"}"))
        #expect(!text.contains("userTable"))
    }

    @Test func jsonKeepsInfiniteAttributes() throws {
        let x = Node(id: 0, kind: .input, inputs: [], outputs: [0])
        let fill = Node(id: 1, kind: .op(.maskedFill), inputs: [0], outputs: [1], attributes: ["value": .float(-.infinity)])
        let graph = try Graph(nodes: [x, fill], values: [
            Value(id: 0, shape: [2], dtype: .f32, producer: 0, name: "x"),
            Value(id: 1, shape: [2], dtype: .f32, producer: 1),
        ])
        #expect(try Graph(jsonData: graph.jsonData()) == graph)
    }

    @Test func jsonOfAnInconsistentGraphIsADecodingError() throws {
        let json = #"{"modules":[],"nodes":[{"attributes":{},"id":0,"inputs":[5],"op":"relu","outputs":[0]}],"outputs":[],"values":[{"dtype":"f32","id":0,"producer":0,"shape":[1]}]}"#
        #expect(throws: DecodingError.self) { try Graph(jsonData: Data(json.utf8)) }
    }

    @Test func dotHasANestedClusterPerModulePath() throws {
        let model = ToyMLP()
        let (_, graph) = try Tracer.trace(model: model, inputs: [("x", Tensor.meta(shape: [1, 3, 4]))]) { try model($0[0]) }
        let dot = graph.dot
        #expect(dot.hasPrefix("digraph \"graph\" {\n") && dot.hasSuffix("}\n"))
        for (path, module) in model.namedModules() where !path.isEmpty {
            #expect(dot.contains("label=\"\(path) (\(module.typeName))\";"), "no cluster for \(path)")
        }
        #expect(dot.components(separatedBy: "subgraph cluster_").count - 1 == model.namedModules().count - 1)
        // Nesting: layers.0.fc1's cluster opens inside layers.0's, inside layers'.
        let lines = dot.split(separator: "\n").map(String.init)
        func indent(ofLabel label: String) -> Int? {
            lines.first { $0.contains("label=\"\(label)\";") }.map { $0.prefix { $0 == " " }.count }
        }
        #expect(indent(ofLabel: "layers (ModuleList)") == 4)
        #expect(indent(ofLabel: "layers.0 (ToyBlock)") == 6)
        #expect(indent(ofLabel: "layers.0.fc1 (Linear)") == 8)
        // Nodes are labelled with op and shape; every value flow is an edge.
        #expect(dot.contains("[label=\"linear\\n[1, 3, 8]\"];"))
        #expect(dot.contains("[label=\"param layers.0.fc1.weight\\n[8, 4]\", shape=ellipse];"))
        let edgeCount = graph.nodes.reduce(0) { $0 + Set($1.inputs).count }
        #expect(lines.filter { $0.contains(" -> ") }.count == edgeCount)
    }

    @Test func dotEscapesQuotesAndBackslashes() throws {
        let x = Node(id: 0, kind: .input, inputs: [], outputs: [0])
        let odd = Node(id: 1, kind: .op(.relu), inputs: [0], outputs: [1], scope: Scope(path: "a\"b\\c", typeName: "Q\"uote"))
        let graph = try Graph(nodes: [x, odd], values: [
            Value(id: 0, shape: [1], dtype: .f32, producer: 0, name: "in\"put"),
            Value(id: 1, shape: [1], dtype: .f32, producer: 1),
        ])
        let dot = graph.dot
        #expect(dot.contains(#"label="input in\"put\n[1]""#))
        #expect(dot.contains(#"label="relu\n[1]""#))
        #expect(dot.contains(#"label="a\"b\\c (Q\"uote)";"#))
        #expect(dot.contains("n0 -> n1;"))
    }
}
