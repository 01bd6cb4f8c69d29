extension Tensor {
    /// Rows of the `[vocabulary, dimension]` table `self` picked by integer `indices` of any shape;
    /// the result has shape `indices.shape + [dimension]`. An index outside the table is an error
    /// naming the index and the table size.
    public func embedding(_ indices: Tensor) throws -> Tensor {
        try OpRecording.run(.embedding, inputs: [self, indices]) {
            guard rank == 2 else {
                throw TensorError.shapeMismatch(op: Op.embedding.rawValue, detail: "table must be 2-D, got \(Shape.describe(shape))")
            }
            guard indices.dtype == .i64 || indices.dtype == .i32 else {
                throw TensorError.unsupportedDType(op: Op.embedding.rawValue, argument: "indices", dtype: indices.dtype)
            }
            let vocabulary = shape[0], dimension = shape[1]
            let result = Tensor.uninitialized(shape: indices.shape + [dimension], dtype: .f32, meta: isMeta || indices.isMeta)
            guard !result.isMeta else { return result }
            let ids = try indices.integers()
            if let bad = ids.first(where: { $0 < 0 || $0 >= vocabulary }) {
                throw TensorError.invalidArgument(op: Op.embedding.rawValue, detail: "index \(bad) is outside the table of \(vocabulary) rows")
            }
            let table = contiguousF32()
            let source = table.floatPointer(), output = result.floatPointer()
            for (position, id) in ids.enumerated() {
                (output + position * dimension).update(from: source + id * dimension, count: dimension)
            }
            return result
        }
    }
}
