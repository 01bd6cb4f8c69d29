import Export
import Foundation
import ONNXProto
import Tensor
import Testing
import TestFixtures

/// The model proto an export writes: opset, input and output names, dynamic dimensions as
/// `dim_param`, one initializer per unique parameter, node names that keep the module scope.
@Suite struct ONNXModelStructureTests {
    @Test func bertHasNamedDynamicInputsScopedNodesAndOneInitializerPerParameter() throws {
        let model = try ExportTestSupport.load("bert")
        let proto = try ExportTestSupport.export(model).proto
        #expect(proto.opsetImport.map(\.version) == [Int64(ONNXExport.opset)])
        #expect(ONNXExport.opset >= 17)
        let graph = proto.graph
        #expect(graph.input.map(\.name) == ["input_ids", "attention_mask", "token_type_ids"])
        for input in graph.input {
            #expect(input.type.tensorType.shape.dim.map(\.dimParam) == ["batch_size", "sequence_length"], "\(input.name)")
        }
        #expect(graph.output.map(\.name) == [model.outputName])
        #expect(graph.output[0].type.tensorType.shape.dim.first?.dimParam == "batch_size")
        let unique = model.uniqueParameters().filter { parameter in graph.initializer.contains { $0.name == parameter.names[0] } }
        #expect(graph.initializer.count == Set(graph.initializer.map(\.name)).count)
        #expect(graph.initializer.count == unique.count)
        let names = Set(graph.node.map(\.name))
        #expect(names.count == graph.node.count, "node names are unique")
        #expect(names.contains("/bert/encoder/layer.0/intermediate/dense/MatMul"))
        #expect(names.contains("/bert/encoder/layer.1/attention/self/Softmax"))
    }

    @Test func initializersAreTheTracedParametersUncopied() throws {
        let model = try ExportTestSupport.load("gpt2")
        let export = try ExportTestSupport.export(model)
        let parameters = Dictionary(model.namedParameters().map { ($0.name, $0.parameter.tensor) }, uniquingKeysWith: { a, _ in a })
        for initializer in export.proto.graph.initializer {
            let tensor = try #require(parameters[initializer.name], "\(initializer.name) is a parameter")
            #expect(initializer.dims == tensor.shape.map(Int64.init))
            #expect(initializer.floatData.isEmpty && initializer.rawData.isEmpty)
            #expect(export.weights[initializer.name]?.storage === tensor.storage, "\(initializer.name) is the parameter's own storage")
        }
        // GPT-2's tied language-model head reads the token embedding: one initializer for both.
        #expect(export.proto.graph.initializer.filter { $0.name.hasSuffix("wte.weight") }.count == 1)
        #expect(!export.proto.graph.initializer.contains { $0.name == "lm_head.weight" })
    }

    @Test func imageModelKeepsOnlyTheBatchDynamic() throws {
        let proto = try ExportTestSupport.export(try ExportTestSupport.load("vit")).proto
        let dims = try #require(proto.graph.input.first).type.tensorType.shape.dim
        #expect(proto.graph.input.map(\.name) == ["pixel_values"])
        #expect(dims.first?.dimParam == "batch_size")
        #expect(dims.dropFirst().allSatisfy { $0.dimParam.isEmpty && $0.dimValue > 0 })
    }

    @Test func staticExportHasNoDimParameters() throws {
        let model = try ExportTestSupport.load("llama")
        let export = try ONNXExport(model: model, inputs: ONNXExport.defaultInputs(for: model, shape: [2, 5]), dynamicAxes: false)
        #expect(export.checks.count == 1)
        #expect(export.proto.graph.input.allSatisfy { $0.type.tensorType.shape.dim.map(\.dimValue) == [2, 5] })
    }
}
