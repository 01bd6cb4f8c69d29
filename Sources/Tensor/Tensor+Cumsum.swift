extension Tensor {
    /// Running sums along `axis` (PyTorch's `cumsum`): element `i` of each line is the sum of
    /// elements `0...i`. Computes in f32 like the other arithmetic (OPT derives position ids from
    /// the attention mask this way).
    public func cumsum(axis: Int) throws -> Tensor {
        try OpRecording.run(.cumsum, inputs: [self], attributes: ["dim": .int(axis)]) {
            let a = try Shape.normalizeAxis(axis, rank: rank, op: Op.cumsum.rawValue)
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: isMeta)
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = contiguousF32()
            let count = shape[a], inner = shape[(a + 1)...].reduce(1, *)
            let outer = elementCount / (count * inner)
            let input = source.floatPointer(), output = result.floatPointer()
            for o in 0..<outer {
                for i in 0..<inner {
                    var total: Float = 0
                    for k in 0..<count {
                        let index = (o * count + k) * inner + i
                        total += input[index]
                        output[index] = total
                    }
                }
            }
            return result
        }
    }
}
