extension Tensor {
    /// Sum over dimension `axis` (removed unless `keepDim`).
    public func sum(axis: Int, keepDim: Bool = false) throws -> Tensor {
        try reduce(.sum, axis: axis, keepDim: keepDim, dtype: .f32) { values, count, stride in
            var total: Float = 0
            for i in 0..<count { total += values[i * stride] }
            return total
        }
    }

    /// Mean over dimension `axis` (removed unless `keepDim`).
    public func mean(axis: Int, keepDim: Bool = false) throws -> Tensor {
        try reduce(.mean, axis: axis, keepDim: keepDim, dtype: .f32) { values, count, stride in
            var total: Float = 0
            for i in 0..<count { total += values[i * stride] }
            return total / Float(count)
        }
    }

    /// Index (i64) of the largest element along `axis`; the first one on ties, as PyTorch.
    public func argmax(axis: Int, keepDim: Bool = false) throws -> Tensor {
        try reduce(.argmax, axis: axis, keepDim: keepDim, dtype: .i64) { values, count, stride in
            var best = 0
            for i in 1..<max(count, 1) where values[i * stride] > values[best * stride] || (values[i * stride].isNaN && !values[best * stride].isNaN) {
                best = i
            }
            return Float(best)
        }
    }

    /// Applies `reduceLine(pointer, count, stride)` to every line along `axis`.
    private func reduce(_ op: Op, axis: Int, keepDim: Bool, dtype outType: DType,
                        _ reduceLine: (UnsafePointer<Float>, Int, Int) -> Float) throws -> Tensor {
        try OpRecording.run(op, inputs: [self], attributes: ["dim": .int(axis), "keepdim": .bool(keepDim)]) {
            let a = try Shape.normalizeAxis(axis, rank: rank, op: op.rawValue)
            guard shape[a] > 0 || op == .sum else {
                throw TensorError.invalidArgument(op: op.rawValue, detail: "cannot reduce an empty dimension \(a)")
            }
            var outShape = shape
            if keepDim { outShape[a] = 1 } else { outShape.remove(at: a) }
            let result = Tensor.uninitialized(shape: outShape, dtype: outType, meta: isMeta)
            guard !result.isMeta else { return result }
            let source = contiguousF32()
            let inner = shape[(a + 1)...].reduce(1, *), count = shape[a]
            let outer = shape[..<a].reduce(1, *)
            let input = source.floatPointer()
            let output = result.rawPointer()
            for o in 0..<outer {
                for i in 0..<inner {
                    let value = reduceLine(input + o * count * inner + i, count, inner)
                    Tensor.storeDouble(Double(value), output, outType, o * inner + i)
                }
            }
            return result
        }
    }
}
