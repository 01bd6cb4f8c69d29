extension Tensor {
    /// Softmax over the last dimension, numerically stable (the row maximum is subtracted first).
    public func softmax() throws -> Tensor {
        try OpRecording.run("softmax", inputs: [self], attributes: ["dim": .int(-1)]) {
            guard rank >= 1 else { throw TensorError.invalidArgument(op: "softmax", detail: "needs at least one dimension") }
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: isMeta)
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = contiguousF32()
            let columns = shape[rank - 1]
            let input = source.floatPointer(), output = result.floatPointer()
            Parallel.forRows(elementCount / columns, costPerRow: columns * 4) { rows in
                for row in rows { Tensor.softmaxRow(input + row * columns, output + row * columns, columns) }
            }
            return result
        }
    }

    @inline(__always)
    static func softmaxRow(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int) {
        var maxVector = SIMD8<Float>(repeating: -.infinity)
        var index = 0
        while index + 8 <= count {
            maxVector = pointwiseMax(maxVector, UnsafeRawPointer(input + index).loadUnaligned(as: SIMD8<Float>.self))
            index += 8
        }
        var maximum = maxVector.max()
        for tail in index..<count { maximum = max(maximum, input[tail]) }
        if maximum == -.infinity { maximum = 0 }
        var sumVector = SIMD8<Float>(repeating: 0)
        let shift = SIMD8<Float>(repeating: maximum)
        index = 0
        while index + 8 <= count {
            let x = UnsafeRawPointer(input + index).loadUnaligned(as: SIMD8<Float>.self)
            // exp clamps its input, so e^-inf would be 1e-38, not 0: mask it as the tail loop does.
            let e = VectorMath.exp(x - shift).replacing(with: 0, where: x .== -.infinity)
            UnsafeMutableRawPointer(output + index).storeBytes(of: e, as: SIMD8<Float>.self)
            sumVector += e
            index += 8
        }
        var sum = sumVector.sum()
        for tail in index..<count {
            let e = input[tail] == -.infinity ? 0 : VectorMath.exp(input[tail] - maximum)
            output[tail] = e
            sum += e
        }
        let scale = SIMD8<Float>(repeating: 1 / sum)
        index = 0
        while index + 8 <= count {
            let e = UnsafeRawPointer(output + index).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(output + index).storeBytes(of: e * scale, as: SIMD8<Float>.self)
            index += 8
        }
        for tail in index..<count { output[tail] *= scale[0] }
    }
}
