extension Tensor {
    /// PyTorch's `torch.gather(self, dim=axis, index)`: `out[i₀…iₙ] = self[i₀…index[i₀…iₙ]…iₙ]`, the
    /// index replacing the coordinate along `axis` (DeBERTa picks each query's relative-position
    /// score this way). `index` holds integers, has this tensor's rank and no larger size than it on
    /// any other axis; the result has the index's shape, in f32. An index outside `0..<shape[axis]`
    /// is an error naming it.
    public func gather(axis: Int, index: Tensor) throws -> Tensor {
        try OpRecording.run(.gather, inputs: [self, index], attributes: ["dim": .int(axis)]) {
            let op = Op.gather.rawValue
            let a = try Shape.normalizeAxis(axis, rank: rank, op: op)
            guard index.dtype == .i64 || index.dtype == .i32 else {
                throw TensorError.unsupportedDType(op: op, argument: "index", dtype: index.dtype)
            }
            guard index.rank == rank, zip(index.shape, shape).enumerated().allSatisfy({ $0.offset == a || $0.element.0 <= $0.element.1 }) else {
                throw TensorError.shapeMismatch(op: op, detail: "index \(Shape.describe(index.shape)) must have the rank of \(Shape.describe(shape)) and no larger size off dim \(a)")
            }
            let result = Tensor.uninitialized(shape: index.shape, dtype: .f32, meta: isMeta || index.isMeta)
            guard !result.isMeta, result.elementCount > 0 else { return result }
            let picks = try index.integers()
            let count = shape[a]
            if let bad = picks.first(where: { $0 < 0 || $0 >= count }) {
                throw TensorError.invalidArgument(op: op, detail: "index \(bad) is outside dim \(a) of size \(count)")
            }
            let source = contiguousF32()
            let sourceStrides = Shape.contiguousStrides(shape)
            let input = source.floatPointer(), output = result.floatPointer()
            // Walk the index's coordinates in row-major order, keeping the source offset of every
            // coordinate but the gathered one.
            var coordinates = [Int](repeating: 0, count: rank)
            var base = 0
            for position in 0..<picks.count {
                output[position] = input[base + picks[position] * sourceStrides[a]]
                var axisToBump = rank - 1
                while axisToBump >= 0 {
                    coordinates[axisToBump] += 1
                    if axisToBump != a { base += sourceStrides[axisToBump] }
                    guard coordinates[axisToBump] == index.shape[axisToBump] else { break }
                    if axisToBump != a { base -= coordinates[axisToBump] * sourceStrides[axisToBump] }
                    coordinates[axisToBump] = 0
                    axisToBump -= 1
                }
            }
            return result
        }
    }
}
