import Foundation
import ONNXProto
import SwiftProtobuf
import Tensor

/// Writes an ONNX model file with the initializers' elements streamed from their tensors, never
/// copied into a protobuf buffer: protobuf's wire format lets a message be written field by field
/// (a length-delimited field is its tag, its byte length as a varint, then its bytes), so the file
/// is the model without its graph, then the graph field: the graph without initializers, then one
/// `initializer` field per tensor, each its metadata and then its `raw_data` field (or, with
/// external data, its `location`/`offset`/`length` while the elements go to the data file).
/// `onnx.load` reads the result as the same `ModelProto`.
struct ONNXFileEncoder {
    let proto: Onnx_ModelProto
    let weights: [String: Tensor]

    /// Field tags (field number << 3 | wire type 2, length-delimited) of the fields written by hand.
    private static let graphTag: UInt8 = 7 << 3 | 2         // ModelProto.graph
    private static let initializerTag: UInt8 = 5 << 3 | 2   // GraphProto.initializer
    private static let rawDataTag: UInt8 = 9 << 3 | 2       // TensorProto.raw_data

    /// Writes the model to `model`; with `externalData`, the elements go to that file instead and
    /// each initializer names it (`location`, the file's name beside the model).
    func write(to model: FileHandle, externalData: (handle: FileHandle, location: String)? = nil) throws {
        var shell = proto
        shell.clearGraph()
        var graphShell = proto.graph
        graphShell.initializer = []
        let head: Data = try shell.serializedBytes()
        let graphBytes: Data = try graphShell.serializedBytes()

        var offset = 0
        var initializers: [(header: Data, tensor: Tensor?, length: Int)] = []
        for var initializer in proto.graph.initializer {
            let tensor = weights[initializer.name]
            let byteCount = tensor?.byteCount ?? 0
            if let externalData, tensor != nil {
                initializer.dataLocation = .external
                initializer.externalData = [("location", externalData.location), ("offset", String(offset)), ("length", String(byteCount))].map { key, value in
                    var entry = Onnx_StringStringEntryProto()
                    entry.key = key
                    entry.value = value
                    return entry
                }
                offset += byteCount
            }
            let header: Data = try initializer.serializedBytes()
            let inline = externalData == nil && byteCount > 0
            let length = header.count + (inline ? 1 + Self.varint(byteCount).count + byteCount : 0)
            initializers.append((header, inline ? tensor : nil, length))
        }
        let graphLength = initializers.reduce(graphBytes.count) { $0 + 1 + Self.varint($1.length).count + $1.length }

        try model.write(contentsOf: head + [Self.graphTag] + Self.varint(graphLength) + graphBytes)
        for (header, tensor, length) in initializers {
            try model.write(contentsOf: [Self.initializerTag] + Self.varint(length) + header)
            if let tensor {
                try model.write(contentsOf: [Self.rawDataTag] + Self.varint(tensor.byteCount))
                try tensor.withContiguousBytes { try model.write(contentsOf: $0) }
            }
        }
        if let externalData {
            for initializer in proto.graph.initializer {
                try weights[initializer.name]?.withContiguousBytes { try externalData.handle.write(contentsOf: $0) }
            }
        }
    }

    /// `value` as a protobuf base-128 varint.
    static func varint(_ value: Int) -> Data {
        var bytes = Data()
        var rest = UInt64(value)
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
        return bytes
    }
}
