extension Tensor {
    /// A bool `[queryLength, keyLength]` mask that is true where attention is *not* allowed: key
    /// position `j` is after query position `i` (with the queries aligned to the last keys).
    public static func causalMask(queryLength: Int, keyLength: Int, meta: Bool = false) throws -> Tensor {
        guard queryLength >= 0, keyLength >= queryLength else {
            throw TensorError.invalidArgument(op: Op.causalMask.rawValue, detail: "query length \(queryLength) must be between 0 and key length \(keyLength)")
        }
        return try OpRecording.run(.causalMask, inputs: [], attributes: ["query_length": .int(queryLength), "key_length": .int(keyLength)]) {
            let result = Tensor.zeros(shape: [queryLength, keyLength], dtype: .bool, meta: meta)
            guard !meta else { return result }
            let flags = result.rawPointer().assumingMemoryBound(to: UInt8.self)
            let shift = keyLength - queryLength
            for i in 0..<queryLength {
                for j in (i + shift + 1)..<max(keyLength, i + shift + 1) { flags[i * keyLength + j] = 1 }
            }
            return result
        }
    }

    /// From a `[batch, length]` attention mask (1 = token, 0 = padding, any integer or float dtype),
    /// a bool `[batch, 1, 1, length]` mask that is true at the padding, ready to broadcast over
    /// `[batch, heads, queries, keys]` scores.
    public func paddingMask() throws -> Tensor {
        try OpRecording.run(.paddingMask, inputs: [self]) {
            guard rank == 2 else {
                throw TensorError.shapeMismatch(op: Op.paddingMask.rawValue, detail: "attention mask must be [batch, length], got \(Shape.describe(shape))")
            }
            let result = Tensor.uninitialized(shape: [shape[0], 1, 1, shape[1]], dtype: .bool, meta: isMeta)
            guard !result.isMeta else { return result }
            let flags = result.rawPointer().assumingMemoryBound(to: UInt8.self)
            for (index, value) in try floats().enumerated() { flags[index] = value == 0 ? 1 : 0 }
            return result
        }
    }

    /// `value` where the bool `mask` (broadcast to this shape) is true, `self` elsewhere.
    public func maskedFill(_ mask: Tensor, value: Float) throws -> Tensor {
        try OpRecording.run(.maskedFill, inputs: [self, mask], attributes: ["value": .float(Double(value))]) {
            guard mask.dtype == .bool else { throw TensorError.unsupportedDType(op: Op.maskedFill.rawValue, argument: "mask", dtype: mask.dtype) }
            let outShape = try Shape.broadcast(shape, mask.shape, op: Op.maskedFill.rawValue)
            guard outShape == shape else {
                throw TensorError.shapeMismatch(op: Op.maskedFill.rawValue, detail: "mask \(Shape.describe(mask.shape)) does not broadcast to \(Shape.describe(shape))")
            }
            return try Tensor.select(mask, Tensor.full(shape: [], value: Double(value), meta: isMeta), self, op: Op.maskedFill.rawValue)
        }
    }

    /// Elementwise `condition ? a : b` with broadcasting (PyTorch's `where`); `condition` is bool,
    /// `a` and `b` compute in f32.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try OpRecording.run(.where, inputs: [condition, a, b]) {
            guard condition.dtype == .bool else { throw TensorError.unsupportedDType(op: Op.`where`.rawValue, argument: "condition", dtype: condition.dtype) }
            return try select(condition, a, b, op: Op.`where`.rawValue)
        }
    }

    private static func select(_ condition: Tensor, _ a: Tensor, _ b: Tensor, op: String) throws -> Tensor {
        let outShape = try Shape.broadcast(Shape.broadcast(condition.shape, a.shape, op: op), b.shape, op: op)
        let result = Tensor.uninitialized(shape: outShape, dtype: .f32, meta: condition.isMeta || a.isMeta || b.isMeta)
        guard !result.isMeta, result.elementCount > 0 else { return result }
        let flags = try condition.expandedView(outShape).copiedContiguous()
        let left = try a.contiguousF32().expandedView(outShape).copiedContiguous()
        let right = try b.contiguousF32().expandedView(outShape).copiedContiguous()
        let f = flags.rawPointer().assumingMemoryBound(to: UInt8.self)
        let x = left.floatPointer(), y = right.floatPointer(), output = result.floatPointer()
        for index in 0..<result.elementCount { output[index] = f[index] != 0 ? x[index] : y[index] }
        return result
    }
}
