import Export
import Foundation
import ONNXProto
import SwiftProtobuf
import Tensor
import Testing

/// Writing an export: the file holds the model and little more than the weights, an existing
/// file needs `force`, large models keep their weights in `OUT.onnx.data`, and nothing else is
/// left beside the output.
@Suite struct ONNXExportWriteTests {
    @Test func writtenFileDecodesAndCostsTheWeightsRawBytes() throws {
        let folder = try ExportTestSupport.scratchFolder("write")
        defer { try? FileManager.default.removeItem(at: folder) }
        let export = try ExportTestSupport.export(try ExportTestSupport.load("llama"))
        let path = folder.appendingPathComponent("llama.onnx").path
        try export.write(to: path, inputs: [], force: false)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var decoded = try Onnx_ModelProto(serializedBytes: bytes)
        for index in decoded.graph.initializer.indices {
            let initializer = decoded.graph.initializer[index]
            let tensor = try #require(export.weights[initializer.name])
            #expect(try tensor.withContiguousBytes { Data($0) } == initializer.rawData, "\(initializer.name)")
            decoded.graph.initializer[index].clearRawData()
        }
        #expect(decoded == export.proto)
        // The weights cost their raw bytes and a few per initializer: at most 1% over the weights
        // plus the graph without them.
        let weights = export.weights.values.reduce(0) { $0 + $1.byteCount }
        let structure: Data = try export.proto.serializedBytes()
        #expect(Double(bytes.count) <= Double(weights) * 1.01 + Double(structure.count), "\(bytes.count) bytes for \(weights) bytes of weights and \(structure.count) of graph")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["llama.onnx"])
    }

    @Test func existingOutputNeedsForce() throws {
        let folder = try ExportTestSupport.scratchFolder("force")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("model.onnx").path
        try Data("keep".utf8).write(to: URL(fileURLWithPath: path))
        let export = try ExportTestSupport.export(try ExportTestSupport.load("distilbert"))
        #expect(throws: ONNXWriteError.exists(path: path)) { try export.write(to: path, inputs: [], force: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
        try export.write(to: path, inputs: [], force: true)
        #expect(try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: path))).graph.node.count > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.onnx"])
    }

    @Test func weightsOverTheThresholdGoToExternalData() throws {
        let folder = try ExportTestSupport.scratchFolder("external")
        defer { try? FileManager.default.removeItem(at: folder) }
        let export = try ExportTestSupport.export(try ExportTestSupport.load("opt"))
        let path = folder.appendingPathComponent("opt.onnx").path
        let written = try export.write(to: path, inputs: [], force: false, externalDataThreshold: 0)
        #expect(written.map(\.lastPathComponent) == ["opt.onnx", "opt.onnx.data"])
        let graph = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: path))).graph
        let data = try Data(contentsOf: URL(fileURLWithPath: path + ".data"))
        #expect(graph.initializer.map(\.name) == export.proto.graph.initializer.map(\.name))
        for stored in graph.initializer {
            #expect(stored.dataLocation == .external && stored.rawData.isEmpty)
            let entries = Dictionary(uniqueKeysWithValues: stored.externalData.map { ($0.key, $0.value) })
            #expect(entries["location"] == "opt.onnx.data")
            let offset = try #require(Int(entries["offset"] ?? "")), length = try #require(Int(entries["length"] ?? ""))
            let tensor = try #require(export.weights[stored.name])
            #expect(try data.subdata(in: offset..<offset + length) == tensor.withContiguousBytes { Data($0) }, "\(stored.name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["opt.onnx", "opt.onnx.data"])
    }
}
