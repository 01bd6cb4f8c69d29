import Foundation
import NN
import Testing
import Tensor
import Tracer

/// Traces `ToyMLP` on a `[1, 3, 4]` input: real weights and data, or meta tensors throughout.
private func traceToyMLP(meta: Bool) throws -> (model: ToyMLP, output: Tensor, graph: Graph) {
    let model = ToyMLP()
    if !meta { try loadRealWeights(model) }
    let x = meta ? Tensor.meta(shape: [1, 3, 4]) : try ramp([1, 3, 4], seed: 42)
    let (output, graph) = try Tracer.trace(model: model, inputs: [("x", x)]) { inputs in try model(inputs[0]) }
    return (model, output, graph)
}

private let blockOps = ["param", "param", "linear", "gelu", "param", "param", "linear", "dropout", "add", "param", "param", "layer_norm"]

@Suite struct TracerTests {
    @Test func recordsOpsInExecutionOrderWithParametersWhereFirstRead() throws {
        let (_, _, graph) = try traceToyMLP(meta: false)
        #expect(graph.nodes.map(\.kind.name) == ["input"] + blockOps + blockOps + ["param", "param", "linear"])
        #expect(graph.nodes.enumerated().allSatisfy { $0.offset == $0.element.id })
        #expect(graph.values.enumerated().allSatisfy { $0.offset == $0.element.id })
    }

    @Test func eachOpIsScopedToTheInnermostModuleWithItsPathAndClass() throws {
        let (_, _, graph) = try traceToyMLP(meta: false)
        let scoped = graph.nodes.filter(\.isOp).map { "\($0.kind.name)@\($0.scope?.path ?? "nil"):\($0.scope?.typeName ?? "nil")" }
        var expected: [String] = []
        for layer in 0..<2 {
            let p = "layers.\(layer)"
            expected += ["linear@\(p).fc1:Linear", "gelu@\(p).act:GELUActivation", "linear@\(p).fc2:Linear",
                         "dropout@\(p).dropout:Dropout", "add@\(p):ToyBlock", "layer_norm@\(p).norm:LayerNorm"]
        }
        expected.append("linear@head:Linear")
        #expect(scoped == expected)
        // The input belongs to no module.
        #expect(graph.nodes[0].isInput && graph.nodes[0].scope == nil)
    }

    @Test func oneLinearNodePerLinearCallNamedByItsModulePath() throws {
        let (model, _, graph) = try traceToyMLP(meta: false)
        let linearPaths = model.namedModules().filter { $0.module is Linear }.map(\.path)
        let linearNodes = graph.nodes.filter { $0.op == .linear }
        #expect(linearNodes.compactMap(\.scope?.path) == linearPaths)
        // Each linear reads (data, weight, bias), the parameters being its own module's.
        for node in linearNodes {
            let path = node.scope!.path
            #expect(node.inputs.count == 3)
            #expect(graph.values[node.inputs[1]].name == path + ".weight")
            #expect(graph.values[node.inputs[2]].name == path + ".bias")
            #expect(!graph.producer(of: node.inputs[0]).isParameter)
        }
    }

    @Test func parametersAreParamNodesNamedByDottedNameInTheirOwnersScope() throws {
        let (model, _, graph) = try traceToyMLP(meta: false)
        let paramNodes = graph.nodes.filter(\.isParameter)
        let names = paramNodes.map { graph.values[$0.outputs[0]].name ?? "?" }
        #expect(names == model.namedParameters().map(\.name))
        #expect(graph.parameterValues.map(\.name) == names)
        for node in paramNodes {
            let value = graph.values[node.outputs[0]]
            #expect(node.inputs.isEmpty)
            #expect(value.name == node.scope!.path + "." + (value.name!.split(separator: ".").last.map(String.init) ?? ""))
        }
        let weight = try #require(graph.value(named: "layers.1.fc2.weight"))
        #expect(weight.shape == [4, 8] && weight.dtype == .f32)
        #expect(graph.producer(of: weight.id).scope == Scope(path: "layers.1.fc2", typeName: "Linear"))
        #expect(graph.inputValues.map(\.name) == ["x"])
    }

    @Test func usersAndProducersFollowValueFlow() throws {
        let (_, output, graph) = try traceToyMLP(meta: false)
        let x = graph.inputValues[0].id
        // The block input feeds fc1 and the residual add.
        let xUsers = graph.users(of: x).map { graph.nodes[$0] }
        #expect(xUsers.map(\.kind.name) == ["linear", "add"])
        #expect(xUsers.map { $0.scope!.path } == ["layers.0.fc1", "layers.0"])
        // fc1's output feeds gelu only; gelu's output is produced by gelu and read by fc2.
        let fc1 = xUsers[0]
        let gelu = graph.nodes[try #require(graph.users(of: fc1.outputs[0]).first)]
        #expect(graph.users(of: fc1.outputs[0]).count == 1 && gelu.op == .gelu)
        #expect(graph.producer(of: gelu.outputs[0]) == gelu)
        #expect(graph.users(of: gelu.outputs[0]).map { graph.nodes[$0].scope!.path } == ["layers.0.fc2"])
        // Every input of every node is produced earlier; users are ascending.
        for node in graph.nodes {
            for input in node.inputs {
                #expect(graph.values[input].producer < node.id)
                #expect(graph.users(of: input).contains(node.id))
            }
        }
        for value in graph.values { #expect(graph.users(of: value.id) == graph.users(of: value.id).sorted()) }
        // The returned tensor is the head's output, the graph's only output, used by nothing.
        #expect(graph.outputs == [try #require(output.traceID)])
        #expect(graph.producer(of: graph.outputs[0]).scope?.path == "head")
        #expect(graph.users(of: graph.outputs[0]).isEmpty)
        #expect(graph.values[graph.outputs[0]].shape == [1, 3, 2])
    }

    @Test func metaTensorsTraceToTheIdenticalGraph() throws {
        let real = try traceToyMLP(meta: false)
        let meta = try traceToyMLP(meta: true)
        #expect(!real.output.isMeta && meta.output.isMeta)
        #expect(meta.graph.nodes.map(\.kind.name) == real.graph.nodes.map(\.kind.name))
        #expect(meta.graph.nodes.map(\.scope) == real.graph.nodes.map(\.scope))
        #expect(meta.graph.values.map(\.shape) == real.graph.values.map(\.shape))
        #expect(meta.graph == real.graph)
        #expect(meta.graph.irText == real.graph.irText)
    }

    @Test func modulesTableIsNamedModulesOrder() throws {
        let (model, _, graph) = try traceToyMLP(meta: true)
        #expect(graph.modules.map(\.path) == model.namedModules().map(\.path))
        #expect(graph.modules.map(\.typeName) == model.namedModules().map(\.module.typeName))
        #expect(graph.modules.first == Scope(path: "", typeName: "ToyMLP"))
    }

    @Test func tensorsTheTraceHasNotSeenBecomeConstantNodesInTheCurrentScope() throws {
        let model = TwoLayer()
        let ids = try Tensor(integers: [1, 2, 3], shape: [1, 3])
        let (_, graph) = try Tracer.trace(model: model, inputs: [("input_ids", ids)]) { try model($0[0]) }
        let constant = try #require(graph.nodes.first { $0.isConstant })
        #expect(constant.inputs.isEmpty && constant.scope == Scope(path: "", typeName: "TwoLayer"))
        #expect(graph.values[constant.outputs[0]].shape == [4])
        #expect(graph.users(of: constant.outputs[0]).map { graph.nodes[$0].kind.name } == ["add"])
    }

    @Test func aSharedParameterIsOneParamNodeUnderItsFirstName() throws {
        let model = TiedModel()
        let ids = Tensor.meta(shape: [1, 3], dtype: .i64)
        let (output, graph) = try Tracer.trace(model: model, inputs: [("input_ids", ids)]) { try model($0[0]) }
        let params = graph.nodes.filter(\.isParameter)
        #expect(params.count == 1)
        #expect(graph.values[params[0].outputs[0]].name == "embed.weight")
        #expect(params[0].scope == Scope(path: "embed", typeName: "Embedding"))
        let head = graph.producer(of: try #require(output.traceID))
        #expect(head.op == .linear && head.scope?.path == "lm_head" && head.inputs[1] == params[0].outputs[0])
    }

    @Test func anErrorInsideAModuleLeavesNoOpenScopeAndNamesTheModule() throws {
        let model = FaultyModel()
        let tracer = Tracer(model: model)
        var depthAfterThrow = -1
        var scopeAfterThrow: Scope? = Scope(path: "sentinel", typeName: "")
        let error = #expect(throws: TracerError.self) {
            _ = try tracer.trace(inputs: [("x", Tensor.meta(shape: [1, 4]))]) { inputs in
                do {
                    return try model(inputs[0])
                } catch {
                    depthAfterThrow = tracer.openScopeCount
                    scopeAfterThrow = tracer.currentScope
                    throw error
                }
            }
        }
        #expect(depthAfterThrow == 0)
        #expect(scopeAfterThrow == nil)
        guard case let .forwardFailed(scope, underlying)? = error else {
            Issue.record("expected forwardFailed, got \(String(describing: error))")
            return
        }
        #expect(scope == Scope(path: "faulty", typeName: "Faulty"))
        #expect(underlying is ToyError)
        #expect(error?.localizedDescription.contains("faulty (Faulty)") == true)
        #expect(tracer.openScopeCount == 0)

        // The same tracer traces cleanly afterwards.
        model.faulty.fails = false
        let (_, graph) = try tracer.trace(inputs: [("x", Tensor.meta(shape: [1, 4]))]) { try model($0[0]) }
        #expect(graph.nodes.filter(\.isOp).map(\.kind.name) == ["linear", "relu", "linear"])
        #expect(graph.nodes.first { $0.op == .relu }?.scope?.path == "faulty")
        #expect(tracer.openScopeCount == 0)
    }

    @Test func aShapeErrorInALinearNamesThatLinear() throws {
        let model = FaultyModel()
        model.faulty.fails = false
        let error = #expect(throws: TracerError.self) {
            _ = try Tracer.trace(model: model, inputs: [("x", Tensor.meta(shape: [1, 5]))]) { try model($0[0]) }
        }
        guard case let .forwardFailed(scope, underlying)? = error else {
            Issue.record("expected forwardFailed, got \(String(describing: error))")
            return
        }
        #expect(scope == Scope(path: "fc1", typeName: "Linear"))
        #expect(underlying is TensorError)
    }

    @Test func anUnregisteredModuleIsAnErrorNamingIt() {
        let model = Unregistered()
        let error = #expect(throws: TracerError.self) {
            _ = try Tracer.trace(model: model, inputs: [("x", Tensor.meta(shape: [1, 4]))]) { try model($0[0]) }
        }
        guard case let .unregisteredModule(typeName, parentPath)? = error else {
            Issue.record("expected unregisteredModule, got \(String(describing: error))")
            return
        }
        #expect(typeName == "Linear" && parentPath == "")
    }

    @Test func duplicateInputNamesAreRejected() {
        let model = FaultyModel()
        #expect(throws: TracerError.self) {
            _ = try Tracer.trace(model: model, inputs: [("x", Tensor.meta(shape: [1, 4])), ("x", Tensor.meta(shape: [1, 4]))]) { _ in 0 }
        }
    }

    @Test func outputsCollectTensorsFromArraysAndTuples() throws {
        let model = FaultyModel()
        model.faulty.fails = false
        let (result, graph) = try Tracer.trace(model: model, inputs: [("x", Tensor.meta(shape: [1, 4]))]) { inputs in
            let h = try model.fc1(inputs[0])
            return (h, try model.fc2(h), 7)
        }
        #expect(graph.outputs == [result.0.traceID!, result.1.traceID!])
        let (array, arrayGraph) = try Tracer.trace(model: model, inputs: [("x", Tensor.meta(shape: [1, 4]))]) { inputs in
            [try model.fc1(inputs[0]), inputs[0]]
        }
        #expect(arrayGraph.outputs == array.map { $0.traceID! })
        #expect(arrayGraph.producer(of: arrayGraph.outputs[1]).isInput)
    }

    @Test func untracedForwardIsUnaffectedAfterATrace() throws {
        let model = ToyMLP()
        try loadRealWeights(model)
        let x = try ramp([1, 3, 4], seed: 42)
        let (traced, _) = try Tracer.trace(model: model, inputs: [("x", x)]) { try model($0[0]) }
        let plain = try model(x)
        #expect(plain.traceID == nil)
        #expect(try plain.floats() == traced.floats())
    }

    @Test func inconsistentGraphsAreRejected() {
        let input = Node(id: 0, kind: .input, inputs: [], outputs: [0])
        let value = Value(id: 0, shape: [1], dtype: .f32, producer: 0, name: "x")
        #expect(throws: Never.self) { try Graph(nodes: [input], values: [value]) }
        // A node reading a value produced later.
        let early = Node(id: 0, kind: .op(.relu), inputs: [1], outputs: [0])
        let late = Node(id: 1, kind: .input, inputs: [], outputs: [1])
        let values = [Value(id: 0, shape: [1], dtype: .f32, producer: 0), Value(id: 1, shape: [1], dtype: .f32, producer: 1)]
        #expect(throws: GraphError.self) { try Graph(nodes: [early, late], values: values) }
        #expect(throws: GraphError.self) { try Graph(nodes: [input], values: [value], outputs: [3]) }
    }

    @Test func aTensorStampedByAnotherTraceIsAConstantNotAStaleValue() throws {
        let model = FaultyModel()
        model.faulty.fails = false
        let (old, _) = try Tracer.trace(model: model, inputs: [("x", Tensor.meta(shape: [1, 4]))]) { try model($0[0]) }
        let oldID = try #require(old.traceID)
        let (_, graph) = try Tracer.trace(model: model, inputs: [("x", Tensor.meta(shape: [1, 4]))]) { inputs in
            try model(inputs[0] + old)
        }
        let add = graph.nodes[1 + 1]
        #expect(graph.nodes.prefix(3).map(\.kind.name) == ["input", "constant", "add"])
        #expect(add.inputs == [0, 1] && oldID > 1)
    }

    @Test func scopePathsNestByDottedPrefix() {
        let layer = Scope(path: "bert.encoder.layer.1", typeName: "BertLayer")
        #expect(Scope(path: "bert.encoder.layer.1.output.dense", typeName: "Linear").isWithin(layer))
        #expect(!Scope(path: "bert.encoder.layer.10", typeName: "BertLayer").isWithin(layer))
        #expect(layer.isWithin(layer) && layer.isWithin(Scope(path: "", typeName: "BertModel")))
        #expect(Scope(path: "", typeName: "BertModel").displayPath == "<root>")
    }
}
