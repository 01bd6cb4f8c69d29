import CKernels

extension Tensor {
    /// Softmax over the last dimension, numerically stable (the row maximum is subtracted first).
    public func softmax() throws -> Tensor {
        try OpRecording.run(.softmax, inputs: [self], attributes: ["dim": .int(-1)]) {
            guard rank >= 1 else { throw TensorError.invalidArgument(op: Op.softmax.rawValue, detail: "needs at least one dimension") }
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: isMeta)
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = contiguousF32()
            let columns = shape[rank - 1]
            let input = source.floatPointer(), output = result.floatPointer()
            withExtendedLifetime(source) {
                Parallel.forRows(elementCount / columns, costPerRow: columns * 4) { rows in
                    ck_softmax_rows(input + rows.lowerBound * columns, output + rows.lowerBound * columns, rows.count, columns)
                }
            }
            return result
        }
    }
}
