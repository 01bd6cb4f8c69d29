import Foundation
import ONNXProto
import Tensor

/// One ONNX node on the runtime: float tensor ops go to the `Tensor` kernels (`MatMul`, `Gelu`,
/// `LayerNormalization`, `Softmax`, `TopK`, arithmetic...), sizes, positions, masks and relative
/// position buckets to `HostArray`.
extension ONNXRunner {
    static func run(_ node: Onnx_NodeProto, _ arguments: [Tensor?]) throws -> [Tensor] {
        func argument(_ index: Int) throws -> Tensor {
            guard index < arguments.count, let value = arguments[index] else {
                throw ONNXExportError.interpreter(node: node.name, detail: "\(node.opType) needs input \(index)")
            }
            return value
        }
        func ints(_ index: Int) throws -> [Int] { try argument(index).integers() }
        func attribute(_ name: String) -> Onnx_AttributeProto? { node.attribute.first { $0.name == name } }
        func int(_ name: String, _ fallback: Int) -> Int { attribute(name).map { Int($0.i) } ?? fallback }
        func host(_ index: Int) throws -> HostArray { try HostArray(argument(index)) }
        func compare(_ predicate: @escaping (Double, Double) -> Bool) throws -> [Tensor] {
            [try HostArray.broadcast(host(0), host(1), to: .bool, op: node.opType) { predicate($0, $1) ? 1 : 0 }.tensor()]
        }
        func arithmetic(_ kernel: (Tensor, Tensor) throws -> Tensor, _ combine: @escaping (Double, Double) -> Double) throws -> [Tensor] {
            let a = try argument(0), b = try argument(1)
            if a.dtype == .f32, b.dtype == .f32 { return [try kernel(a, b)] }
            return [try HostArray.broadcast(HostArray(a), HostArray(b), to: a.dtype, op: node.opType, combine).tensor()]
        }
        func unary(_ transform: @escaping (Double) -> Double) throws -> [Tensor] {
            [try host(0).map { transform(Double(Float($0))) }.tensor()]
        }

        switch node.opType {
        case "Identity": return [try argument(0)]
        case "Constant":
            guard let value = attribute("value") else { throw ONNXExportError.interpreter(node: node.name, detail: "Constant without a value") }
            return [try value.t.tensor(named: node.name)]
        case "ConstantOfShape":
            let fill = try attribute("value").map { try HostArray($0.t.tensor(named: node.name)) }
            return [Tensor.full(shape: try ints(0), value: fill?.values.first ?? 0, dtype: fill?.dtype ?? .f32)]
        case "Shape":
            let shape = try argument(0).shape
            let end = int("end", shape.count)
            return [try Tensor(integers: Array(shape[int("start", 0)..<min(end, shape.count)]), shape: [min(end, shape.count) - int("start", 0)])]
        case "Cast":
            guard let target = DType(onnxType: Int32(int("to", 1))) else { throw ONNXExportError.interpreter(node: node.name, detail: "Cast to an unsupported type") }
            return [try argument(0).to(target)]
        case "Add": return try arithmetic({ try $0.add($1) }, +)
        case "Sub": return try arithmetic({ try $0.sub($1) }, -)
        case "Mul": return try arithmetic({ try $0.mul($1) }, *)
        case "Div": return try arithmetic({ try $0.div($1) }, /)
        case "Max", "Min":
            let larger = node.opType == "Max"
            return [try HostArray.broadcast(host(0), host(1), to: try argument(0).dtype, op: node.opType) { larger ? Swift.max($0, $1) : Swift.min($0, $1) }.tensor()]
        case "Neg": return [try argument(0).mul(-1)]
        case "Abs": return [try host(0).map { Swift.abs($0) }.tensor()]
        case "Log": return try unary { Double(Foundation.log(Float($0))) }
        case "Sqrt": return try unary { $0.squareRoot() }
        case "Cos": return try unary { Double(Foundation.cos(Float($0))) }
        case "Sin": return try unary { Double(Foundation.sin(Float($0))) }
        case "Sign": return try unary { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }
        case "Ceil": return try unary { $0.rounded(.up) }
        case "Clip":
            let low = arguments.count > 1 && arguments[1] != nil ? try host(1).values[0] : -.infinity
            let high = arguments.count > 2 && arguments[2] != nil ? try host(2).values[0] : .infinity
            return [try host(0).map { min(max($0, low), high) }.tensor()]
        case "Gelu": return [try argument(0).gelu(approximate: attribute("approximate").map { String(decoding: $0.s, as: UTF8.self) } == "tanh" ? .tanh : .none)]
        case "Sigmoid": return [try argument(0).sigmoid()]
        case "Relu": return [try argument(0).relu()]
        case "Tanh": return [try argument(0).tanh()]
        case "Equal": return try compare(==)
        case "Greater": return try compare(>)
        case "Less": return try compare(<)
        case "LessOrEqual": return try compare(<=)
        case "Not": return [try host(0).map { $0 == 0 ? 1 : 0 }.tensor()]
        case "Where":
            let condition = try argument(0), a = try argument(1), b = try argument(2)
            guard !a.dtype.isFloatingPoint else { return [try Tensor.where(condition, a, b)] }
            // Integers stay integers: pick a where the condition holds (NaN marks b's places; integers are never NaN).
            let picked = try HostArray.broadcast(host(0), host(1), to: a.dtype, op: node.opType) { $0 != 0 ? $1 : .nan }
            return [try HostArray.broadcast(picked, host(2), to: a.dtype, op: node.opType) { $0.isNaN ? $1 : $0 }.tensor()]
        case "Range":
            let start = try ints(0)[0], limit = try ints(1)[0], delta = try ints(2)[0]
            let values = Array(stride(from: start, to: limit, by: delta))
            return [try Tensor(integers: values, shape: [values.count])]
        case "ReduceSum", "ReduceMean":
            let axis = try ints(1)[0], keep = int("keepdims", 1) == 1
            return [node.opType == "ReduceSum" ? try argument(0).sum(axis: axis, keepDim: keep) : try argument(0).mean(axis: axis, keepDim: keep)]
        case "ArgMax": return [try argument(0).argmax(axis: int("axis", 0), keepDim: int("keepdims", 1) == 1)]
        case "CumSum": return [try argument(0).cumsum(axis: try ints(1)[0])]
        case "Reshape":
            let input = try argument(0)
            let target = try ints(1).enumerated().map { $0.element == 0 ? input.shape[$0.offset] : $0.element }
            return [try input.reshape(target)]
        case "Transpose": return [try argument(0).permute(attribute("perm").map { $0.ints.map(Int.init) } ?? [])]
        case "Slice":
            let input = try argument(0)
            let axis = try Shape.normalizeAxis(try ints(3)[0], rank: input.rank, op: node.opType)
            let size = input.shape[axis]
            func clamp(_ value: Int) -> Int { min(max(value < 0 ? value + size : value, 0), size) }
            let start = clamp(try ints(1)[0]), end = clamp(try ints(2)[0])
            return [try input.narrow(axis, start: start, length: max(end - start, 0))]
        case "Gather":
            let data = try argument(0), indices = try argument(1), axis = int("axis", 0)
            if indices.rank == 0 { return [try data.select(axis, try indices.integers()[0])] }
            guard axis == 0, data.rank == 2 else { throw ONNXExportError.interpreter(node: node.name, detail: "Gather of \(Shape.describe(indices.shape)) indices on axis \(axis) of a rank-\(data.rank) tensor") }
            return [try data.embedding(indices)]
        case "GatherElements": return [try argument(0).gather(axis: int("axis", 0), index: try argument(1))]
        case "TopK":
            let input = try argument(0)
            guard try Shape.normalizeAxis(int("axis", -1), rank: input.rank, op: node.opType) == input.rank - 1, int("largest", 1) == 1 else {
                throw ONNXExportError.interpreter(node: node.name, detail: "TopK runs on the last axis, largest first, only")
            }
            let top = try input.topk(try ints(1)[0])
            return [top.values, top.indices]
        case "Unsqueeze":
            var result = try argument(0)
            let rank = result.rank + (try ints(1)).count
            for axis in try ints(1).map({ ($0 + rank) % rank }).sorted() { result = try result.unsqueeze(axis) }
            return [result]
        case "Squeeze":
            var result = try argument(0)
            for axis in try ints(1).map({ ($0 + result.rank) % result.rank }).sorted(by: >) { result = try result.squeeze(axis) }
            return [result]
        case "Expand":
            let input = try argument(0)
            return [try input.expand(try Shape.broadcast(input.shape, try ints(1), op: node.opType))]
        case "Concat": return [try Tensor.concat(try arguments.indices.map(argument), axis: int("axis", 0))]
        case "Split": return try argument(0).split(sizes: try ints(1), axis: int("axis", 0))
        case "MatMul": return [try argument(0).matmul(try argument(1))]
        case "Conv":
            let strides = attribute("strides").map { $0.ints.map(Int.init) } ?? [1, 1]
            let pads = attribute("pads").map { $0.ints.map(Int.init) } ?? [0, 0, 0, 0]
            let bias = arguments.count > 2 ? try argument(2) : nil
            return [try argument(0).conv2d(weight: try argument(1), bias: bias, stride: (strides[0], strides[1]), padding: (pads[0], pads[1]))]
        case "Softmax": return [try argument(0).softmax()]
        case "LayerNormalization":
            let epsilon = Double(attribute("epsilon")?.f ?? 1e-5)
            let bias = arguments.count > 2 ? try argument(2) : nil
            return [try argument(0).layerNorm(weight: try argument(1), bias: bias, eps: epsilon)]
        default:
            throw ONNXExportError.interpreter(node: node.name, detail: "op \(node.opType) is not one the exporter writes")
        }
    }
}
