import Foundation
import ONNXProto
import Tensor

/// Runs an ONNX graph in process by mapping its nodes back onto the runtime's ops (the check
/// `onnxruntime.InferenceSession.run` would give, without leaving Swift): it runs the nodes this
/// exporter writes, in order, and nothing else.
struct ONNXRunner {
    let graph: Onnx_GraphProto
    /// The initializers as runtime tensors, by name.
    private let initializers: [String: Tensor]

    /// A runner of `graph` whose initializers hold `weights` (by name; an initializer with
    /// inline raw data is read from it).
    init(graph: Onnx_GraphProto, weights: [String: Tensor]) throws {
        self.graph = graph
        var initializers: [String: Tensor] = [:]
        for initializer in graph.initializer {
            if let tensor = weights[initializer.name] {
                guard tensor.shape.map(Int64.init) == initializer.dims, tensor.dtype.onnxType == initializer.dataType else {
                    throw ONNXExportError.interpreter(node: "initializer \(initializer.name)", detail: "the tensor does not match the initializer's shape and type")
                }
                initializers[initializer.name] = tensor
            } else {
                initializers[initializer.name] = try initializer.tensor(named: initializer.name)
            }
        }
        self.initializers = initializers
    }

    /// The graph's outputs, in order, for `inputs` (by graph input name).
    func run(_ inputs: [String: Tensor]) throws -> [Tensor] {
        var values = initializers
        for input in graph.input {
            guard let tensor = inputs[input.name] else { throw ONNXExportError.interpreter(node: "graph input", detail: "no value for \(input.name)") }
            values[input.name] = tensor
        }
        for node in graph.node {
            let arguments = try node.input.map { name -> Tensor? in
                guard !name.isEmpty else { return nil }
                guard let value = values[name] else { throw ONNXExportError.interpreter(node: node.name, detail: "input \(name) is not computed before it") }
                return value
            }
            let results: [Tensor]
            do {
                results = try ONNXRunner.run(node, arguments)
            } catch let error as ONNXExportError {
                throw error
            } catch {
                throw ONNXExportError.interpreter(node: node.name, detail: error.localizedDescription)
            }
            for (name, result) in zip(node.output, results) { values[name] = result }
        }
        return try graph.output.map { output in
            guard let value = values[output.name] else { throw ONNXExportError.interpreter(node: "graph output", detail: "\(output.name) is never computed") }
            return value
        }
    }
}
