/// Which formula `gelu` uses: the exact erf form or the tanh approximation (`gelu_new`, `gelu_pytorch_tanh`).
public enum GELUApproximation: String, Sendable, Codable {
    case none, tanh
}

enum GELUErfKernel: UnaryKernel {
    static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { 0.5 * x * (1 + VectorMath.erf(x * 0.707_106_781_186_547_6)) }
}

enum GELUTanhKernel: UnaryKernel {
    /// 0.5·x·(1 + tanh(u)) = x·sigmoid(2u), u = √(2/π)(x + 0.044715x³).
    static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let u = 0.797_884_560_802_865_4 * (x + 0.044_715 * x * x * x)
        return x * VectorMath.sigmoid(2 * u)
    }
}

enum SiLUKernel: UnaryKernel {
    static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { x * VectorMath.sigmoid(x) }
}

enum ReLUKernel: UnaryKernel {
    static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { x.replacing(with: 0, where: x .< 0) }
}

enum TanhKernel: UnaryKernel {
    static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { VectorMath.tanh(x) }
}

enum SigmoidKernel: UnaryKernel {
    static func apply(_ x: SIMD8<Float>) -> SIMD8<Float> { VectorMath.sigmoid(x) }
}

/// Elementwise activations, SIMD over contiguous f32 and split across cores for large tensors.
extension Tensor {
    /// Gaussian error linear unit, exact (erf) or tanh-approximated.
    public func gelu(approximate: GELUApproximation = .none) throws -> Tensor {
        switch approximate {
        case .none: try unary("gelu", GELUErfKernel.self, attributes: ["approximate": .string("none")])
        case .tanh: try unary("gelu", GELUTanhKernel.self, attributes: ["approximate": .string("tanh")])
        }
    }

    /// `x · sigmoid(x)`.
    public func silu() throws -> Tensor { try unary("silu", SiLUKernel.self) }
    /// `max(x, 0)`.
    public func relu() throws -> Tensor { try unary("relu", ReLUKernel.self) }
    /// Hyperbolic tangent.
    public func tanh() throws -> Tensor { try unary("tanh", TanhKernel.self) }
    /// `1 / (1 + e^-x)`.
    public func sigmoid() throws -> Tensor { try unary("sigmoid", SigmoidKernel.self) }

    /// Dropout in inference mode: the identity, recorded as `dropout` so the graph shows it
    /// (as `torch.jit.trace` does in eval mode).
    public func dropout(probability: Double) throws -> Tensor {
        try OpRecording.run("dropout", inputs: [self], attributes: ["p": .float(probability), "train": .bool(false)]) {
            withGeometry(shape: shape, strides: strides, offset: offset)
        }
    }

    private func unary<K: UnaryKernel>(_ op: String, _ kernel: K.Type, attributes: [String: OpAttribute] = [:]) throws -> Tensor {
        try OpRecording.run(op, inputs: [self], attributes: attributes) {
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: isMeta)
            guard !result.isMeta else { return result }
            let source = contiguousF32()
            let input = source.floatPointer(), output = result.floatPointer()
            Parallel.forRows(elementCount, costPerRow: 8) { range in
                ElementwiseLoop.unary(K.self, input + range.lowerBound, output + range.lowerBound, range.count)
            }
            return result
        }
    }
}
