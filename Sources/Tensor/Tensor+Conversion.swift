/// Copies, dtype conversion and reading elements out.
extension Tensor {
    /// The same elements laid out contiguously (the tensor itself when it already is).
    public func contiguous() throws -> Tensor {
        try OpRecording.run(.contiguous, inputs: [self]) {
            isContiguous ? self.withGeometry(shape: shape, strides: strides, offset: offset) : copiedContiguous()
        }
    }

    /// The elements converted to `dtype` (floats truncate toward zero when converted to integers).
    public func to(_ target: DType) throws -> Tensor {
        try OpRecording.run(.to, inputs: [self], attributes: ["dtype": .string(target.rawValue)]) {
            if target == dtype { return self.withGeometry(shape: shape, strides: strides, offset: offset) }
            return converted(to: target)
        }
    }

    /// A fresh contiguous copy with the same dtype (meta stays meta).
    func copiedContiguous() -> Tensor {
        var result = Tensor.uninitialized(shape: shape, dtype: dtype, meta: isMeta)
        guard !isMeta else { return result }
        switch dtype.byteSize {
        case 1: copyElements(UInt8.self, into: &result)
        case 2: copyElements(UInt16.self, into: &result)
        case 4: copyElements(UInt32.self, into: &result)
        default: copyElements(UInt64.self, into: &result)
        }
        return result
    }

    private func copyElements<T>(_: T.Type, into result: inout Tensor) {
        let source = rawPointer().assumingMemoryBound(to: T.self)
        let destination = result.rawPointer().assumingMemoryBound(to: T.self)
        let columns = shape.last ?? 1
        let innerStride = strides.last ?? 1
        StridedLoop.forEachRow(shape: shape, strides: strides) { row, start in
            let out = destination + row * columns
            let from = source + start
            if innerStride == 1 {
                out.update(from: from, count: columns)
            } else {
                for column in 0..<columns { out[column] = from[column * innerStride] }
            }
        }
    }

    /// Contiguous f32 data for a compute kernel: the tensor itself when it already is contiguous
    /// f32, else a converted copy. Integer and bool inputs convert by value.
    func contiguousF32() -> Tensor {
        if dtype == .f32 { return isContiguous ? self : copiedContiguous() }
        return converted(to: .f32)
    }

    /// Element-by-element conversion into a new contiguous tensor.
    func converted(to target: DType) -> Tensor {
        var result = Tensor.uninitialized(shape: shape, dtype: target, meta: isMeta)
        guard !isMeta else { return result }
        let source = isContiguous ? self : copiedContiguous()
        let count = elementCount
        let input = source.rawPointer()
        let output = result.rawPointer()
        if dtype == .i64, target == .f32 {
            // Int64 → Double → Float rounds twice (wrong above 2^53); Float(Int64) rounds once.
            let from = input.assumingMemoryBound(to: Int64.self), to = output.assumingMemoryBound(to: Float.self)
            for index in 0..<count { to[index] = Float(from[index]) }
            return result
        }
        for index in 0..<count {
            let value = Tensor.loadDouble(input, dtype, index)
            Tensor.storeDouble(value, output, target, index)
        }
        result.traceID = nil
        return result
    }

    @inline(__always)
    static func loadDouble(_ base: UnsafeMutableRawPointer, _ dtype: DType, _ index: Int) -> Double {
        switch dtype {
        case .f32: Double(base.assumingMemoryBound(to: Float.self)[index])
        case .f16: Double(Float(Float16(bitPattern: base.assumingMemoryBound(to: UInt16.self)[index])))
        case .bf16: Double(BFloat16.float(from: base.assumingMemoryBound(to: UInt16.self)[index]))
        case .i64: Double(base.assumingMemoryBound(to: Int64.self)[index])
        case .i32: Double(base.assumingMemoryBound(to: Int32.self)[index])
        case .bool: base.assumingMemoryBound(to: UInt8.self)[index] != 0 ? 1 : 0
        }
    }

    @inline(__always)
    static func storeDouble(_ value: Double, _ base: UnsafeMutableRawPointer, _ dtype: DType, _ index: Int) {
        switch dtype {
        case .f32: base.assumingMemoryBound(to: Float.self)[index] = Float(value)
        case .f16: base.assumingMemoryBound(to: UInt16.self)[index] = Float16(Float(value)).bitPattern
        case .bf16: base.assumingMemoryBound(to: UInt16.self)[index] = BFloat16.bits(from: Float(value))
        case .i64: base.assumingMemoryBound(to: Int64.self)[index] = Int64(clamping: truncatedInteger(value))
        case .i32: base.assumingMemoryBound(to: Int32.self)[index] = Int32(clamping: truncatedInteger(value))
        case .bool: base.assumingMemoryBound(to: UInt8.self)[index] = value != 0 ? 1 : 0
        }
    }

    /// `value` truncated toward zero and clamped to `Int`'s range (NaN becomes 0).
    @inline(__always)
    static func truncatedInteger(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        if value >= 9.2e18 { return Int.max }
        if value <= -9.2e18 { return Int.min }
        return Int(value.rounded(.towardZero))
    }

    /// The elements as f32 values in row-major order (any dtype converts).
    public func floats() throws -> [Float] {
        guard !isMeta else { throw TensorError.metaTensorHasNoData(op: "floats") }
        let source = contiguousF32()
        return Array(UnsafeBufferPointer(start: source.floatPointer(), count: elementCount))
    }

    /// The elements as integers in row-major order (floats truncate toward zero).
    public func integers() throws -> [Int] {
        guard !isMeta else { throw TensorError.metaTensorHasNoData(op: "integers") }
        let source = isContiguous ? self : copiedContiguous()
        let base = source.rawPointer()
        return (0..<elementCount).map { index in
            switch dtype {
            case .i64: Int(base.assumingMemoryBound(to: Int64.self)[index])
            case .i32: Int(base.assumingMemoryBound(to: Int32.self)[index])
            case .bool: Int(base.assumingMemoryBound(to: UInt8.self)[index])
            case .f32, .f16, .bf16: Int(Tensor.loadDouble(base, dtype, index).rounded(.towardZero))
            }
        }
    }

    /// Runs `body` over the raw bytes of the elements in row-major order (for writing files).
    public func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard !isMeta else { throw TensorError.metaTensorHasNoData(op: "withContiguousBytes") }
        let source = isContiguous ? self : copiedContiguous()
        return try withExtendedLifetime(source) {
            try body(UnsafeRawBufferPointer(start: source.rawPointer(), count: byteCount))
        }
    }
}
