extension Tensor {
    /// Layer normalisation over the last dimension: `(x − mean) / √(var + eps) · weight + bias`
    /// (biased variance, as PyTorch). `weight` and `bias` have the last dimension's size.
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return try OpRecording.run("layer_norm", inputs: inputs, attributes: ["eps": .float(eps)]) {
            let columns = try checkNormParameters("layer_norm", weight, bias)
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: inputs.contains { $0.isMeta })
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = contiguousF32()
            let w = weight?.contiguousF32(), b = bias?.contiguousF32()
            let input = source.floatPointer(), output = result.floatPointer()
            let epsilon = Float(eps)
            Parallel.forRows(elementCount / columns, costPerRow: columns * 3) { rows in
                for row in rows {
                    let x = input + row * columns, y = output + row * columns
                    let mean = RowMath.sum(x, columns) / Float(columns)
                    let variance = RowMath.sumOfSquaredDeviations(x, columns, mean) / Float(columns)
                    let scale = 1 / (variance + epsilon).squareRoot()
                    RowMath.normalize(x, y, columns, shift: mean, scale: scale, weight: w?.floatPointer(), bias: b?.floatPointer())
                }
            }
            return result
        }
    }

    /// RMS normalisation over the last dimension (LLaMA): `x / √(mean(x²) + eps) · weight`.
    public func rmsNorm(weight: Tensor?, eps: Double) throws -> Tensor {
        let inputs = [self] + [weight].compactMap { $0 }
        return try OpRecording.run("rms_norm", inputs: inputs, attributes: ["eps": .float(eps)]) {
            let columns = try checkNormParameters("rms_norm", weight, nil)
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: inputs.contains { $0.isMeta })
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = contiguousF32()
            let w = weight?.contiguousF32()
            let input = source.floatPointer(), output = result.floatPointer()
            let epsilon = Float(eps)
            Parallel.forRows(elementCount / columns, costPerRow: columns * 2) { rows in
                for row in rows {
                    let x = input + row * columns
                    let meanSquare = RowMath.sumOfSquaredDeviations(x, columns, 0) / Float(columns)
                    let scale = 1 / (meanSquare + epsilon).squareRoot()
                    RowMath.normalize(x, output + row * columns, columns, shift: 0, scale: scale, weight: w?.floatPointer(), bias: nil)
                }
            }
            return result
        }
    }

    private func checkNormParameters(_ op: String, _ weight: Tensor?, _ bias: Tensor?) throws -> Int {
        guard let columns = shape.last else { throw TensorError.invalidArgument(op: op, detail: "needs at least one dimension") }
        for (name, parameter) in [("weight", weight), ("bias", bias)] {
            if let parameter, parameter.shape != [columns] {
                throw TensorError.shapeMismatch(op: op, detail: "\(name) \(Shape.describe(parameter.shape)) does not match the last dimension of \(Shape.describe(shape))")
            }
        }
        return columns
    }
}

/// SIMD reductions and the normalise-scale-shift pass over one contiguous row.
enum RowMath {
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var accumulator = SIMD8<Float>(repeating: 0)
        var index = 0
        while index + 8 <= count {
            accumulator += UnsafeRawPointer(x + index).loadUnaligned(as: SIMD8<Float>.self)
            index += 8
        }
        var total = accumulator.sum()
        while index < count { total += x[index]; index += 1 }
        return total
    }

    @inline(__always)
    static func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, _ mean: Float) -> Float {
        var accumulator = SIMD8<Float>(repeating: 0)
        let center = SIMD8<Float>(repeating: mean)
        var index = 0
        while index + 8 <= count {
            let d = UnsafeRawPointer(x + index).loadUnaligned(as: SIMD8<Float>.self) - center
            accumulator += d * d
            index += 8
        }
        var total = accumulator.sum()
        while index < count { let d = x[index] - mean; total += d * d; index += 1 }
        return total
    }

    /// `y = (x − shift) · scale · weight + bias`, weight and bias optional.
    @inline(__always)
    static func normalize(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int, shift: Float, scale: Float,
                          weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?) {
        let shiftVector = SIMD8<Float>(repeating: shift), scaleVector = SIMD8<Float>(repeating: scale)
        var index = 0
        while index + 8 <= count {
            var value = (UnsafeRawPointer(x + index).loadUnaligned(as: SIMD8<Float>.self) - shiftVector) * scaleVector
            if let weight { value *= UnsafeRawPointer(weight + index).loadUnaligned(as: SIMD8<Float>.self) }
            if let bias { value += UnsafeRawPointer(bias + index).loadUnaligned(as: SIMD8<Float>.self) }
            UnsafeMutableRawPointer(y + index).storeBytes(of: value, as: SIMD8<Float>.self)
            index += 8
        }
        while index < count {
            var value = (x[index] - shift) * scale
            if let weight { value *= weight[index] }
            if let bias { value += bias[index] }
            y[index] = value
            index += 1
        }
    }
}
