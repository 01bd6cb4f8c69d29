extension Tensor {
    /// The linear layers of routed experts (Hugging Face's `MixtralExperts`, `Qwen2MoeExperts`:
    /// `F.linear(current_state, weight[expert_idx])` for the tokens routed to each expert).
    ///
    /// `self` is `[tokens, in]` (each token's row goes to all its experts) or `[tokens, k, in]` (one
    /// row per routing slot); `weight` is `[experts, out, in]`, every expert's `[out, in]` matrix;
    /// `experts` is i64 `[tokens, k]`, the expert of each token's slot. The result is
    /// `[tokens, k, out]`: slot `j` of token `t` is that token's row times `weight[experts[t, j]]ᵀ`.
    /// As in Hugging Face's forward, the rows of one expert are gathered and multiplied in one GEMM,
    /// expert by expert in ascending order; an expert no token chose costs nothing. The op is
    /// recorded once with the whole 3-D weight as an input, so a trace holds every expert whatever
    /// the routing (and a meta trace, which has no routing, the same node).
    public func routedLinear(weight: Tensor, experts: Tensor) throws -> Tensor {
        try OpRecording.run(.routedLinear, inputs: [self, weight, experts]) {
            let name = Op.routedLinear.rawValue
            guard weight.rank == 3 else {
                throw TensorError.shapeMismatch(op: name, detail: "weight must be 3-D [experts, out, in], got \(Shape.describe(weight.shape))")
            }
            guard experts.dtype == .i64 || experts.dtype == .i32 else {
                throw TensorError.unsupportedDType(op: name, argument: "experts", dtype: experts.dtype)
            }
            let (expertCount, outFeatures, inFeatures) = (weight.shape[0], weight.shape[1], weight.shape[2])
            guard experts.rank == 2 else {
                throw TensorError.shapeMismatch(op: name, detail: "experts must be [tokens, k], got \(Shape.describe(experts.shape))")
            }
            let (tokens, slots) = (experts.shape[0], experts.shape[1])
            let perSlot = rank == 3
            guard shape == [tokens, inFeatures] || shape == [tokens, slots, inFeatures] else {
                throw TensorError.shapeMismatch(op: name, detail: "input \(Shape.describe(shape)) must be [\(tokens), \(inFeatures)] or [\(tokens), \(slots), \(inFeatures)] for weight \(Shape.describe(weight.shape)) and experts \(Shape.describe(experts.shape))")
            }
            let result = Tensor.uninitialized(shape: [tokens, slots, outFeatures], dtype: .f32, meta: isMeta || weight.isMeta || experts.isMeta)
            guard !result.isMeta, result.elementCount > 0 else { return result }
            let chosen = try experts.integers()
            if let bad = chosen.first(where: { $0 < 0 || $0 >= expertCount }) {
                throw TensorError.invalidArgument(op: name, detail: "expert \(bad) is outside the \(expertCount) experts of the weight")
            }
            var routed = [[Int]](repeating: [], count: expertCount)
            for (position, expert) in chosen.enumerated() { routed[expert].append(position) }
            let x = contiguousF32(), w = weight.contiguousF32()
            let input = x.floatPointer(), matrices = w.floatPointer(), output = result.floatPointer()
            withExtendedLifetime((x, w)) {
                for (expert, positions) in routed.enumerated() where !positions.isEmpty {
                    let gathered = UnsafeMutablePointer<Float>.allocate(capacity: positions.count * inFeatures)
                    let products = UnsafeMutablePointer<Float>.allocate(capacity: positions.count * outFeatures)
                    defer { gathered.deallocate(); products.deallocate() }
                    for (row, position) in positions.enumerated() {
                        let source = perSlot ? position : position / slots
                        (gathered + row * inFeatures).update(from: input + source * inFeatures, count: inFeatures)
                    }
                    GEMM.active.sgemm(transposeA: false, transposeB: true, m: positions.count, n: outFeatures, k: inFeatures, alpha: 1,
                                      a: gathered, lda: inFeatures, b: matrices + expert * outFeatures * inFeatures, ldb: inFeatures,
                                      beta: 0, c: products, ldc: outFeatures)
                    for (row, position) in positions.enumerated() {
                        (output + position * outFeatures).update(from: products + row * outFeatures, count: outFeatures)
                    }
                }
            }
            return result
        }
    }
}
