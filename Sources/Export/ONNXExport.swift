import Foundation
import Formats
import Models
import ONNXProto
import Tensor

/// An ONNX model of a traced forward pass (torch.onnx.export): the graph in opset 20 with the
/// weights as initializers, dynamic `batch_size` and `sequence_length` axes where the model
/// allows, checked by re-running it in process before anything is written.
///
/// ```swift
/// let export = try ONNXExport(model: loaded.model, inputs: ONNXExport.defaultInputs(for: loaded.model, shape: [1, 16]))
/// try export.write(to: "model.onnx", inputs: [loaded.directory], force: false)
/// ```
public struct ONNXExport {
    /// The ONNX opset the graph uses (`Gelu` needs 20).
    public static let opset = 20
    /// The ONNX IR version of opset 20.
    public static let irVersion = 9

    /// The model; its initializers name their tensor's shape and type, the elements are `weights`.
    public let proto: Onnx_ModelProto
    /// The initializers' tensors, by initializer name (the model's parameters, never copied).
    public let weights: [String: Tensor]
    /// The re-runs that checked it: at the traced size, and at another batch size and length.
    public let checks: [ONNXExportCheck]
    /// Seconds spent tracing (the forward pass and the variant meta traces).
    public let traceSeconds: Double
    /// Seconds spent building the ONNX graph and checking it.
    public let exportSeconds: Double

    /// Traces `model` on `inputs`, lowers the trace to ONNX and re-runs it: at the traced size
    /// against the traced output, and (with `dynamicAxes`) at another batch size and length
    /// against the model's own forward pass. Throws `ONNXExportError` when a part cannot be
    /// expressed or a re-run differs by more than `tolerance` (relative to the output's largest
    /// magnitude, at least 1).
    public init(model: any TransformerModel, inputs: ModelInputs, dynamicAxes: Bool = true, tolerance: Float = 1e-4) throws {
        let start = DispatchTime.now()
        let trace = try ExportTrace(model: model, inputs: inputs, dynamicAxes: dynamicAxes)
        let traced = DispatchTime.now()
        var proto = Onnx_ModelProto()
        proto.irVersion = Int64(ONNXExport.irVersion)
        proto.producerName = "slimtrace"
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(ONNXExport.opset)
        proto.opsetImport = [opset]
        let lowering = GraphLowering(trace: trace, model: model)
        proto.graph = try lowering.lower(name: model.typeName)

        let runner = try ONNXRunner(graph: proto.graph, weights: lowering.weights)
        var checks = [try ONNXExportCheck(runner: runner, inputs: inputs, expected: trace.output, tolerance: tolerance)]
        if let point = trace.points.last, trace.points.count > 1 {
            let other = try ONNXExport.resized(inputs, to: point)
            checks.append(try ONNXExportCheck(runner: runner, inputs: other, expected: try model.forward(other), tolerance: tolerance))
        }
        self.proto = proto
        weights = lowering.weights
        self.checks = checks
        traceSeconds = ONNXExport.seconds(start, traced)
        exportSeconds = ONNXExport.seconds(traced, DispatchTime.now())
    }

    /// The inputs an export traces when the user gives none: every input the model takes, of
    /// `shape` (the primary input's declared shape when nil) — ones for token ids, pixels and the
    /// attention mask, zeros for the other inputs (token types) — so that the ONNX graph has them all.
    public static func defaultInputs(for model: any TransformerModel, shape: [Int]?) throws -> ModelInputs {
        let primary = try PlaceholderInputs.make(for: model, shape: shape, dtype: nil)
        guard let ids = primary.entries.first?.tensor, ids.rank == 2 else { return primary }
        var inputs = primary
        for spec in model.inputSpecs where !spec.isPrimary && spec.defaultShape.count == 2 {
            let fill: Double = spec.name == "attention_mask" ? 1 : 0
            inputs = inputs.replacing(spec.name, with: Tensor.full(shape: ids.shape, value: fill, dtype: spec.dtype))
        }
        return inputs
    }

    /// `inputs` at batch size and length `point`: element `[b, s, ...]` is the given `[b mod B, s mod S, ...]`.
    static func resized(_ inputs: ModelInputs, to point: DimPoint) throws -> ModelInputs {
        ModelInputs(try inputs.entries.map { name, tensor in
            var shape = tensor.shape
            shape[0] = point.batch
            if let length = point.sequence { shape[1] = length }
            let source = try HostArray(tensor)
            let sourceStrides = Shape.contiguousStrides(tensor.shape), strides = Shape.contiguousStrides(shape)
            let values = (0..<Shape.elementCount(shape)).map { position in
                var offset = 0
                for axis in shape.indices {
                    offset += (position / strides[axis] % shape[axis]) % tensor.shape[axis] * sourceStrides[axis]
                }
                return source.values[offset]
            }
            return (name, try HostArray(shape: shape, dtype: tensor.dtype, values: values).tensor())
        })
    }

    private static func seconds(_ from: DispatchTime, _ to: DispatchTime) -> Double {
        Double(to.uptimeNanoseconds - from.uptimeNanoseconds) / 1e9
    }
}
