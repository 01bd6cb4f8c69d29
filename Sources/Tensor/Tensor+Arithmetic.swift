enum AddKernel: BinaryKernel {
    static func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a + b }
    static func apply(_ a: Float, _ b: Float) -> Float { a + b }
}

enum SubKernel: BinaryKernel {
    static func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a - b }
    static func apply(_ a: Float, _ b: Float) -> Float { a - b }
}

enum MulKernel: BinaryKernel {
    static func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a * b }
    static func apply(_ a: Float, _ b: Float) -> Float { a * b }
}

enum DivKernel: BinaryKernel {
    static func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a / b }
    static func apply(_ a: Float, _ b: Float) -> Float { a / b }
}

/// Elementwise arithmetic with NumPy broadcasting; integer and half inputs compute in f32.
extension Tensor {
    /// `self + other`, broadcast.
    public func add(_ other: Tensor) throws -> Tensor { try binary(.add, AddKernel.self, other) }
    /// `self - other`, broadcast.
    public func sub(_ other: Tensor) throws -> Tensor { try binary(.sub, SubKernel.self, other) }
    /// `self * other`, broadcast.
    public func mul(_ other: Tensor) throws -> Tensor { try binary(.mul, MulKernel.self, other) }
    /// `self / other`, broadcast.
    public func div(_ other: Tensor) throws -> Tensor { try binary(.div, DivKernel.self, other) }

    /// `self + scalar`.
    public func add(_ scalar: Float) throws -> Tensor { try binary(.add, AddKernel.self, scalar: scalar, scalarFirst: false) }
    /// `self - scalar`.
    public func sub(_ scalar: Float) throws -> Tensor { try binary(.sub, SubKernel.self, scalar: scalar, scalarFirst: false) }
    /// `self * scalar`.
    public func mul(_ scalar: Float) throws -> Tensor { try binary(.mul, MulKernel.self, scalar: scalar, scalarFirst: false) }
    /// `self / scalar`.
    public func div(_ scalar: Float) throws -> Tensor { try binary(.div, DivKernel.self, scalar: scalar, scalarFirst: false) }
    /// `scalar - self` (PyTorch's `rsub`, e.g. `1 - mask`).
    public func reverseSub(_ scalar: Float) throws -> Tensor { try binary(.rsub, SubKernel.self, scalar: scalar, scalarFirst: true) }

    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.add(rhs) }
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.sub(rhs) }
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.mul(rhs) }
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.div(rhs) }
    public static func + (lhs: Tensor, rhs: Float) throws -> Tensor { try lhs.add(rhs) }
    public static func - (lhs: Tensor, rhs: Float) throws -> Tensor { try lhs.sub(rhs) }
    public static func * (lhs: Tensor, rhs: Float) throws -> Tensor { try lhs.mul(rhs) }
    public static func / (lhs: Tensor, rhs: Float) throws -> Tensor { try lhs.div(rhs) }
    public static func - (lhs: Float, rhs: Tensor) throws -> Tensor { try rhs.reverseSub(lhs) }

    private func binary<K: BinaryKernel>(_ op: Op, _ kernel: K.Type, _ other: Tensor) throws -> Tensor {
        try OpRecording.run(op, inputs: [self, other]) {
            let outShape = try Shape.broadcast(shape, other.shape, op: op.rawValue)
            let result = Tensor.uninitialized(shape: outShape, dtype: .f32, meta: isMeta || other.isMeta)
            guard !result.isMeta, result.elementCount > 0 else { return result }
            let a = try contiguousF32().expandedView(outShape)
            let b = try other.contiguousF32().expandedView(outShape)
            let output = result.floatPointer()
            if a.isContiguous, b.isContiguous {
                let count = result.elementCount
                Parallel.forRows(count, costPerRow: 1) { range in
                    ElementwiseLoop.binary(K.self, a.floatPointer() + range.lowerBound, 1, b.floatPointer() + range.lowerBound, 1,
                                           output + range.lowerBound, range.count)
                }
                return result
            }
            let columns = outShape.last ?? 1
            let rows = result.elementCount / columns
            let strideA = a.strides.last ?? 1, strideB = b.strides.last ?? 1
            Parallel.forRows(rows, costPerRow: columns) { range in
                for row in range {
                    let offsetA = StridedLoop.rowOffset(row, shape: outShape, strides: a.strides)
                    let offsetB = StridedLoop.rowOffset(row, shape: outShape, strides: b.strides)
                    ElementwiseLoop.binary(K.self, a.floatPointer() + offsetA, strideA, b.floatPointer() + offsetB, strideB,
                                           output + row * columns, columns)
                }
            }
            return result
        }
    }

    private func binary<K: BinaryKernel>(_ op: Op, _ kernel: K.Type, scalar: Float, scalarFirst: Bool) throws -> Tensor {
        try OpRecording.run(op, inputs: [self], attributes: ["other": .float(Double(scalar))]) {
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: isMeta)
            guard !result.isMeta, result.elementCount > 0 else { return result }
            let source = contiguousF32()
            let output = result.floatPointer()
            withUnsafePointer(to: scalar) { scalarPointer in
                Parallel.forRows(elementCount, costPerRow: 1) { range in
                    let input = source.floatPointer() + range.lowerBound
                    if scalarFirst {
                        ElementwiseLoop.binary(K.self, scalarPointer, 0, input, 1, output + range.lowerBound, range.count)
                    } else {
                        ElementwiseLoop.binary(K.self, input, 1, scalarPointer, 0, output + range.lowerBound, range.count)
                    }
                }
            }
            return result
        }
    }
}
