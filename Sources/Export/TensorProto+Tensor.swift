import Foundation
import ONNXProto
import Tensor

/// ONNX tensors (`TensorProto`, `onnx.numpy_helper.from_array` / `to_array`) to and from `Tensor`:
/// the elements always travel as little-endian `raw_data`, never one field per element.
extension Onnx_TensorProto {
    /// `tensor`'s elements as `raw_data`, named `name`.
    init(_ tensor: Tensor, name: String = "") throws {
        self.init(describing: tensor, name: name)
        rawData = try tensor.withContiguousBytes { Data($0) }
    }

    /// `tensor`'s name, type and shape without its elements (an initializer whose data the
    /// writer streams from `tensor`).
    init(describing tensor: Tensor, name: String) {
        self.init()
        self.name = name
        dataType = tensor.dtype.onnxType
        dims = tensor.shape.map(Int64.init)
    }

    /// A 1-D int64 tensor (or 0-D with `scalar`) holding `values`.
    init(int64 values: [Int], scalar: Bool = false) {
        self.init()
        dataType = DType.i64.onnxType
        dims = scalar ? [] : [Int64(values.count)]
        rawData = values.map(Int64.init).withUnsafeBytes { Data($0) }
    }

    /// A 0-D tensor of `dtype` holding `value` (one element; bool is `value != 0`).
    init(scalar value: Double, dtype: DType) throws {
        let element = dtype.isFloatingPoint ? try Tensor([Float(value)], shape: []).to(dtype)
                                            : try Tensor(integers: [Int(value)], shape: [], dtype: dtype)
        try self.init(element)
    }

    /// The slimtrace dtype of `dataType`, or nil for one the runtime has not.
    var dtype: DType? { DType(onnxType: dataType) }

    /// The elements as a `Tensor` (raw data only, as this exporter writes them).
    func tensor(named node: String) throws -> Tensor {
        guard let dtype else {
            throw ONNXExportError.interpreter(node: node, detail: "tensor \(name) has ONNX data type \(dataType), which the runtime does not hold")
        }
        let shape = dims.map(Int.init)
        let byteCount = Shape.elementCount(shape) * dtype.byteSize
        guard rawData.count == byteCount else {
            throw ONNXExportError.interpreter(node: node, detail: "tensor \(name) has \(rawData.count) bytes of raw data, \(byteCount) expected")
        }
        let storage = TensorStorage(uninitializedByteCount: byteCount)
        rawData.withUnsafeBytes { storage.base.copyMemory(from: $0.baseAddress!, byteCount: byteCount) }
        return Tensor(shape: shape, dtype: dtype, storage: storage)
    }
}

extension DType {
    /// The `TensorProto.DataType` value of this dtype.
    var onnxType: Int32 {
        let type: Onnx_TensorProto.DataType = switch self {
        case .f32: .float
        case .f16: .float16
        case .bf16: .bfloat16
        case .i64: .int64
        case .i32: .int32
        case .bool: .bool
        }
        return Int32(type.rawValue)
    }

    /// The dtype whose `TensorProto.DataType` value is `onnxType`.
    init?(onnxType: Int32) {
        guard let match = DType.allCases.first(where: { $0.onnxType == onnxType }) else { return nil }
        self = match
    }
}
