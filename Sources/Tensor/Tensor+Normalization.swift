import CKernels

extension Tensor {
    /// Layer normalisation over the last dimension: `(x − mean) / √(var + eps) · weight + bias`
    /// (biased variance, as PyTorch). `weight` and `bias` have the last dimension's size.
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return try OpRecording.run(.layerNorm, inputs: inputs, attributes: ["eps": .float(eps)]) {
            let columns = try checkNormParameters(.layerNorm, weight, bias)
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: inputs.contains { $0.isMeta })
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = contiguousF32()
            let w = weight?.contiguousF32(), b = bias?.contiguousF32()
            let input = source.floatPointer(), output = result.floatPointer()
            let epsilon = Float(eps)
            let weightPointer = w.map { UnsafePointer($0.floatPointer()) }, biasPointer = b.map { UnsafePointer($0.floatPointer()) }
            withExtendedLifetime((source, w, b)) {
                Parallel.forRows(elementCount / columns, costPerRow: columns * 3) { rows in
                    ck_layer_norm_rows(input + rows.lowerBound * columns, output + rows.lowerBound * columns, rows.count, columns,
                                       weightPointer, biasPointer, epsilon)
                }
            }
            return result
        }
    }

    /// RMS normalisation over the last dimension (LLaMA): `x / √(mean(x²) + eps) · weight`.
    public func rmsNorm(weight: Tensor?, eps: Double) throws -> Tensor {
        let inputs = [self] + [weight].compactMap { $0 }
        return try OpRecording.run(.rmsNorm, inputs: inputs, attributes: ["eps": .float(eps)]) {
            let columns = try checkNormParameters(.rmsNorm, weight, nil)
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: inputs.contains { $0.isMeta })
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = contiguousF32()
            let w = weight?.contiguousF32()
            let input = source.floatPointer(), output = result.floatPointer()
            let epsilon = Float(eps)
            let weightPointer = w.map { UnsafePointer($0.floatPointer()) }
            withExtendedLifetime((source, w)) {
                Parallel.forRows(elementCount / columns, costPerRow: columns * 2) { rows in
                    ck_rms_norm_rows(input + rows.lowerBound * columns, output + rows.lowerBound * columns, rows.count, columns,
                                     weightPointer, epsilon)
                }
            }
            return result
        }
    }

    private func checkNormParameters(_ op: Op, _ weight: Tensor?, _ bias: Tensor?) throws -> Int {
        guard let columns = shape.last else { throw TensorError.invalidArgument(op: op.rawValue, detail: "needs at least one dimension") }
        for (name, parameter) in [("weight", weight), ("bias", bias)] {
            if let parameter, parameter.shape != [columns] {
                throw TensorError.shapeMismatch(op: op.rawValue, detail: "\(name) \(Shape.describe(parameter.shape)) does not match the last dimension of \(Shape.describe(shape))")
            }
        }
        return columns
    }
}
