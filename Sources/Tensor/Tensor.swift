/// An n-dimensional array with value semantics.
///
/// A tensor is a view (`shape`, `strides`, `offset`, all in elements) onto a `TensorStorage` that is
/// owned memory or a read-only window into a mapped file; or it is **meta**: shape and dtype only, no
/// data, so that a whole forward pass can run on shapes alone. Views share storage; writing goes
/// through `withUnsafeMutableFloats`, which copies first when the storage is shared or read-only.
public struct Tensor: @unchecked Sendable {
    /// Size of each dimension.
    public private(set) var shape: [Int]
    /// Distance, in elements, between neighbours along each dimension.
    public private(set) var strides: [Int]
    /// Position of element `[0, 0, ...]` in `storage`, in elements.
    public private(set) var offset: Int
    /// The element type.
    public let dtype: DType
    /// The bytes, or nil for a meta tensor.
    public private(set) var storage: TensorStorage?
    /// The id of this tensor's value in the graph being traced, if a recorder has seen it.
    public var traceID: Int?

    /// A view of `storage` (or a meta tensor when `storage` is nil).
    public init(shape: [Int], strides: [Int]? = nil, offset: Int = 0, dtype: DType, storage: TensorStorage?) {
        self.shape = shape
        self.strides = strides ?? Shape.contiguousStrides(shape)
        self.offset = offset
        self.dtype = dtype
        self.storage = storage
    }

    /// A meta tensor: a shape and a dtype, no data.
    public static func meta(shape: [Int], dtype: DType = .f32) -> Tensor {
        Tensor(shape: shape, dtype: dtype, storage: nil)
    }

    /// A contiguous tensor of zeros (or a meta tensor when `meta` is true).
    public static func zeros(shape: [Int], dtype: DType = .f32, meta: Bool = false) -> Tensor {
        if meta { return .meta(shape: shape, dtype: dtype) }
        return Tensor(shape: shape, dtype: dtype, storage: TensorStorage(zeroedByteCount: Shape.elementCount(shape) * dtype.byteSize))
    }

    /// A contiguous tensor whose every element the caller will write (or a meta tensor).
    static func uninitialized(shape: [Int], dtype: DType = .f32, meta: Bool) -> Tensor {
        if meta { return .meta(shape: shape, dtype: dtype) }
        return Tensor(shape: shape, dtype: dtype, storage: TensorStorage(uninitializedByteCount: Shape.elementCount(shape) * dtype.byteSize))
    }

    /// A tensor of `value` everywhere (PyTorch's `full`; `ones` is `full(shape, 1)`).
    public static func full(shape: [Int], value: Double, dtype: DType = .f32, meta: Bool = false) -> Tensor {
        var result = uninitialized(shape: shape, dtype: dtype, meta: meta)
        result.fillContiguous(with: value)
        return result
    }

    /// An f32 tensor holding `values` in row-major order.
    public init(_ values: [Float], shape: [Int]) throws {
        guard Shape.elementCount(shape) == values.count else {
            throw TensorError.shapeMismatch(op: "Tensor", detail: "\(values.count) values do not fill shape \(Shape.describe(shape))")
        }
        self = Tensor.uninitialized(shape: shape, dtype: .f32, meta: false)
        values.withUnsafeBufferPointer { source in
            storage!.base.copyMemory(from: source.baseAddress!, byteCount: values.count * 4)
        }
    }

    /// An integer tensor (i64 unless `dtype` says i32 or bool) holding `values` in row-major order.
    public init(integers values: [Int], shape: [Int], dtype: DType = .i64) throws {
        guard Shape.elementCount(shape) == values.count else {
            throw TensorError.shapeMismatch(op: "Tensor", detail: "\(values.count) values do not fill shape \(Shape.describe(shape))")
        }
        guard !dtype.isFloatingPoint else {
            throw TensorError.unsupportedDType(op: "Tensor(integers:)", argument: "dtype", dtype: dtype)
        }
        self = Tensor.uninitialized(shape: shape, dtype: dtype, meta: false)
        for (index, value) in values.enumerated() { storeInteger(value, at: index) }
    }

    /// True when the tensor has no data (shape and dtype only).
    public var isMeta: Bool { storage == nil }
    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var elementCount: Int { Shape.elementCount(shape) }
    /// Bytes the elements occupy when contiguous.
    public var byteCount: Int { elementCount * dtype.byteSize }

    /// True when the elements lie row-major and gap-free from `offset`.
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Pointer to element `[0, ...]` (no bounds or dtype check; callers know both).
    @inlinable
    func rawPointer() -> UnsafeMutableRawPointer {
        storage!.base + offset * dtype.byteSize
    }

    /// Pointer to element `[0, ...]` of an f32 tensor.
    @inlinable
    func floatPointer() -> UnsafeMutablePointer<Float> {
        (storage!.base + offset * 4).assumingMemoryBound(to: Float.self)
    }

    /// Writes `value` to the flat (row-major, contiguous) position `index`; integer dtypes only.
    private func storeInteger(_ value: Int, at index: Int) {
        let pointer = rawPointer()
        switch dtype {
        case .i64: pointer.assumingMemoryBound(to: Int64.self)[index] = Int64(value)
        case .i32: pointer.assumingMemoryBound(to: Int32.self)[index] = Int32(truncatingIfNeeded: value)
        case .bool: pointer.assumingMemoryBound(to: UInt8.self)[index] = value != 0 ? 1 : 0
        case .f32, .f16, .bf16: preconditionFailure("storeInteger on \(dtype)")
        }
    }

    /// Fills a freshly allocated contiguous tensor with `value` (no-op on meta tensors).
    mutating func fillContiguous(with value: Double) {
        guard let storage else { return }
        let count = elementCount
        let base = storage.base + offset * dtype.byteSize
        switch dtype {
        case .f32: base.assumingMemoryBound(to: Float.self).update(repeating: Float(value), count: count)
        case .f16: base.assumingMemoryBound(to: UInt16.self).update(repeating: Float16(Float(value)).bitPattern, count: count)
        case .bf16: base.assumingMemoryBound(to: UInt16.self).update(repeating: BFloat16.bits(from: Float(value)), count: count)
        case .i64: base.assumingMemoryBound(to: Int64.self).update(repeating: Int64(value), count: count)
        case .i32: base.assumingMemoryBound(to: Int32.self).update(repeating: Int32(value), count: count)
        case .bool: base.assumingMemoryBound(to: UInt8.self).update(repeating: value != 0 ? 1 : 0, count: count)
        }
    }

    /// Runs `body` over this tensor's f32 elements for writing, copying the storage first when it
    /// is shared with another tensor, read-only (mapped), or not contiguous (copy-on-write).
    public mutating func withUnsafeMutableFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) throws -> R {
        guard dtype == .f32 else { throw TensorError.unsupportedDType(op: "withUnsafeMutableFloats", argument: "self", dtype: dtype) }
        guard storage != nil else { throw TensorError.metaTensorHasNoData(op: "withUnsafeMutableFloats") }
        if !isKnownUniquelyReferenced(&storage!) || !storage!.isWritable || !isContiguous || offset != 0 {
            self = copiedContiguous()
        }
        return try body(UnsafeMutableBufferPointer(start: floatPointer(), count: elementCount))
    }

    /// Replaces the view geometry (used by the view ops; storage is shared).
    func withGeometry(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        var view = self
        view.shape = shape
        view.strides = strides
        view.offset = offset
        view.traceID = nil
        return view
    }
}
