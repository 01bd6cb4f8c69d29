import CKernels

/// Which formula `gelu` uses: the exact erf form or the tanh approximation (`gelu_new`, `gelu_pytorch_tanh`).
public enum GELUApproximation: String, Sendable, Codable {
    case none, tanh
}

/// A row kernel of `CKernels`: `output[i] = f(input[i])` for `count` contiguous f32 elements.
typealias UnaryRowKernel = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void

/// Elementwise activations: the C kernels (vectorised for the CPU they run on) over contiguous
/// f32, split across cores for large tensors.
extension Tensor {
    /// Gaussian error linear unit, exact (erf) or tanh-approximated.
    public func gelu(approximate: GELUApproximation = .none) throws -> Tensor {
        switch approximate {
        case .none: try unary(.gelu, ck_gelu_erf, costPerElement: 4, attributes: ["approximate": .string("none")])
        case .tanh: try unary(.gelu, ck_gelu_tanh, costPerElement: 4, attributes: ["approximate": .string("tanh")])
        }
    }

    /// `x · sigmoid(x)`.
    public func silu() throws -> Tensor { try unary(.silu, ck_silu, costPerElement: 3) }
    /// `max(x, 0)`.
    public func relu() throws -> Tensor { try unary(.relu, ck_relu, costPerElement: 1) }
    /// Hyperbolic tangent.
    public func tanh() throws -> Tensor { try unary(.tanh, ck_tanh, costPerElement: 3) }
    /// `1 / (1 + e^-x)`.
    public func sigmoid() throws -> Tensor { try unary(.sigmoid, ck_sigmoid, costPerElement: 3) }

    /// Dropout in inference mode: the identity, recorded as `dropout` so the graph shows it
    /// (as `torch.jit.trace` does in eval mode).
    public func dropout(probability: Double) throws -> Tensor {
        try OpRecording.run(.dropout, inputs: [self], attributes: ["p": .float(probability), "train": .bool(false)]) {
            withGeometry(shape: shape, strides: strides, offset: offset)
        }
    }

    /// `costPerElement` is the kernel's time per element relative to a copy (for the thread split).
    private func unary(_ op: Op, _ kernel: UnaryRowKernel, costPerElement: Int,
                       attributes: [String: OpAttribute] = [:]) throws -> Tensor {
        try OpRecording.run(op, inputs: [self], attributes: attributes) {
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: isMeta)
            guard !result.isMeta else { return result }
            let source = contiguousF32()
            let input = source.floatPointer(), output = result.floatPointer()
            withExtendedLifetime(source) {
                Parallel.forRows(elementCount, costPerRow: costPerElement) { range in
                    kernel(input + range.lowerBound, output + range.lowerBound, range.count)
                }
            }
            return result
        }
    }
}
