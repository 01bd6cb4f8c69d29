/// How a linear layer stores its weight.
public enum WeightLayout: String, Sendable, Codable {
    /// `[out, in]`, PyTorch's `nn.Linear`.
    case outIn
    /// `[in, out]`, Hugging Face's `Conv1D` (GPT-2).
    case inOut
}

extension Tensor {
    /// `x · Wᵀ + b` over the last dimension (PyTorch's `F.linear`): one GEMM (`GEMM.active`) on
    /// `[tokens, in] × [out, in]ᵀ`, with the bias written into the output first so the GEMM adds to it.
    /// With `layout: .inOut` the weight is `[in, out]` (Conv1D) and no transpose is needed.
    public func linear(weight: Tensor, bias: Tensor? = nil, layout: WeightLayout = .outIn) throws -> Tensor {
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return try OpRecording.run(.linear, inputs: inputs, attributes: layout == .inOut ? ["layout": .string(layout.rawValue)] : [:]) {
            guard weight.rank == 2 else {
                throw TensorError.shapeMismatch(op: Op.linear.rawValue, detail: "weight must be 2-D, got \(Shape.describe(weight.shape))")
            }
            let (outFeatures, inFeatures) = layout == .outIn ? (weight.shape[0], weight.shape[1]) : (weight.shape[1], weight.shape[0])
            guard rank >= 1, shape[rank - 1] == inFeatures else {
                throw TensorError.shapeMismatch(op: Op.linear.rawValue, detail: "input \(Shape.describe(shape)) has \(shape.last ?? 0) features, weight \(Shape.describe(weight.shape)) expects \(inFeatures)")
            }
            if let bias, bias.shape != [outFeatures] {
                throw TensorError.shapeMismatch(op: Op.linear.rawValue, detail: "bias \(Shape.describe(bias.shape)) does not match \(outFeatures) output features")
            }
            var outShape = shape
            outShape[rank - 1] = outFeatures
            let result = Tensor.uninitialized(shape: outShape, dtype: .f32, meta: isMeta || weight.isMeta || (bias?.isMeta ?? false))
            guard !result.isMeta else { return result }
            let rows = elementCount / max(inFeatures, 1)
            let output = result.floatPointer()
            let beta: Float
            if let bias {
                let b = bias.contiguousF32()
                let biasPointer = b.floatPointer()
                for row in 0..<rows { (output + row * outFeatures).update(from: biasPointer, count: outFeatures) }
                beta = 1
            } else {
                beta = 0
            }
            guard rows > 0, outFeatures > 0 else { return result }
            let x = contiguousF32()
            let (w, transposeW, ldw) = weight.gemmOperand(logicalRowMajorTransposed: layout == .outIn)
            GEMM.active.sgemm(transposeA: false, transposeB: transposeW, m: rows, n: outFeatures, k: inFeatures, alpha: 1,
                              a: x.floatPointer(), lda: inFeatures, b: w.floatPointer(), ldb: ldw, beta: beta, c: output, ldc: outFeatures)
            return result
        }
    }

    /// This 2-D tensor as a GEMM operand: the f32 data, whether it is stored transposed, and the
    /// leading dimension that present it as the logical matrix (`selfᵀ` when `logicalRowMajorTransposed`).
    /// Row-major and column-major (transposed view) layouts are used in place; others are copied.
    func gemmOperand(logicalRowMajorTransposed: Bool) -> (Tensor, transposed: Bool, leadingDimension: Int) {
        let rows = shape[0], columns = shape[1]
        if dtype == .f32, strides[1] == 1, strides[0] >= max(columns, 1) {
            return (self, logicalRowMajorTransposed, strides[0])
        }
        if dtype == .f32, strides[0] == 1, strides[1] >= max(rows, 1) {
            return (self, !logicalRowMajorTransposed, strides[1])
        }
        let copy = contiguousF32()
        return (copy, logicalRowMajorTransposed, max(columns, 1))
    }
}
