extension Tensor {
    /// Matrix product with PyTorch's `matmul` rules for rank ≥ 2: `[..., M, K] × [..., K, N]`, with
    /// the batch dimensions broadcast. Each batch is one GEMM (`GEMM.active`); transposed views (e.g. `kᵀ`
    /// in attention) are passed to BLAS as transposes, not copied.
    public func matmul(_ other: Tensor) throws -> Tensor {
        try OpRecording.run(.matmul, inputs: [self, other]) {
            guard rank >= 2, other.rank >= 2 else {
                throw TensorError.shapeMismatch(op: Op.matmul.rawValue, detail: "both operands need 2 or more dimensions, got \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
            }
            let m = shape[rank - 2], k = shape[rank - 1]
            let otherK = other.shape[other.rank - 2], n = other.shape[other.rank - 1]
            guard k == otherK else {
                throw TensorError.shapeMismatch(op: Op.matmul.rawValue, detail: "\(Shape.describe(shape)) × \(Shape.describe(other.shape)): inner dimensions \(k) and \(otherK) differ")
            }
            let batch = try Shape.broadcast(Array(shape.dropLast(2)), Array(other.shape.dropLast(2)), op: Op.matmul.rawValue)
            let result = Tensor.uninitialized(shape: batch + [m, n], dtype: .f32, meta: isMeta || other.isMeta)
            guard !result.isMeta, result.elementCount > 0 else { return result }
            let left = try (dtype == .f32 ? self : converted(to: .f32)).expandedView(batch + [m, k])
            let right = try (other.dtype == .f32 ? other : other.converted(to: .f32)).expandedView(batch + [k, n])
            let batches = Shape.elementCount(batch)
            let output = result.floatPointer()
            let gemm = GEMM.active
            for index in 0..<batches {
                let a = left.matrix(atBatch: index)
                let b = right.matrix(atBatch: index)
                let (aData, aTrans, lda) = a.gemmOperand(logicalRowMajorTransposed: false)
                let (bData, bTrans, ldb) = b.gemmOperand(logicalRowMajorTransposed: false)
                if k == 0 {
                    (output + index * m * n).update(repeating: 0, count: m * n)
                    continue
                }
                gemm.sgemm(transposeA: aTrans, transposeB: bTrans, m: m, n: n, k: k, alpha: 1, a: aData.floatPointer(), lda: lda,
                           b: bData.floatPointer(), ldb: ldb, beta: 0, c: output + index * m * n, ldc: n)
            }
            return result
        }
    }

    /// The 2-D matrix of batch `index` (row-major over the leading dimensions) as a strided view.
    func matrix(atBatch index: Int) -> Tensor {
        let lead = rank - 2
        var remaining = index
        var position = offset
        for axis in stride(from: lead - 1, through: 0, by: -1) {
            position += (remaining % shape[axis]) * strides[axis]
            remaining /= shape[axis]
        }
        return withGeometry(shape: Array(shape[lead...]), strides: Array(strides[lead...]), offset: position)
    }
}
