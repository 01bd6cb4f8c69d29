extension Tensor {
    /// The `k` largest values along the last dimension, largest first, and their positions (i64),
    /// PyTorch's `torch.topk(x, k, dim=-1)` (sorted). Equal values keep their order of position.
    public func topk(_ k: Int) throws -> (values: Tensor, indices: Tensor) {
        let outputs = try OpRecording.run(.topk, inputs: [self], attributes: ["k": .int(k), "dim": .int(-1)]) { () -> [Tensor] in
            guard rank >= 1, k >= 0, k <= shape[rank - 1] else {
                throw TensorError.invalidArgument(op: Op.topk.rawValue, detail: "k = \(k) must be between 0 and the last dimension of \(Shape.describe(shape))")
            }
            let outShape = Array(shape.dropLast()) + [k]
            let values = Tensor.uninitialized(shape: outShape, dtype: .f32, meta: isMeta)
            let indices = Tensor.uninitialized(shape: outShape, dtype: .i64, meta: isMeta)
            guard !isMeta, k > 0 else { return [values, indices] }
            let source = contiguousF32()
            let columns = shape[rank - 1], input = source.floatPointer()
            let output = values.floatPointer(), positions = indices.rawPointer().assumingMemoryBound(to: Int64.self)
            for row in 0..<(elementCount / max(columns, 1)) {
                let base = input + row * columns
                let order = (0..<columns).sorted { base[$0] > base[$1] || (base[$0] == base[$1] && $0 < $1) }
                for (slot, column) in order.prefix(k).enumerated() {
                    output[row * k + slot] = base[column]
                    positions[row * k + slot] = Int64(column)
                }
            }
            return [values, indices]
        }
        return (outputs[0], outputs[1])
    }
}
