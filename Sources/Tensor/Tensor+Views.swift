/// Ops that change how elements are viewed without moving them (reshape, permute, slice, expand),
/// and the ones that assemble or split tensors (concat, split, chunk).
extension Tensor {
    /// The same elements under a new shape; one dimension may be -1 (inferred). A view when the
    /// strides allow it, else a contiguous copy (PyTorch's `reshape`).
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        try OpRecording.run(.reshape, inputs: [self], attributes: ["shape": .ints(newShape)]) {
            let resolved = try resolveShape(newShape)
            if isContiguous {
                return withGeometry(shape: resolved, strides: Shape.contiguousStrides(resolved), offset: offset)
            }
            let copy = copiedContiguous()
            return copy.withGeometry(shape: resolved, strides: Shape.contiguousStrides(resolved), offset: 0)
        }
    }

    /// `reshape` under PyTorch's other name.
    public func view(_ newShape: [Int]) throws -> Tensor { try reshape(newShape) }

    private func resolveShape(_ requested: [Int]) throws -> [Int] {
        let inferred = requested.indices.filter { requested[$0] == -1 }
        guard inferred.count <= 1, requested.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.invalidArgument(op: Op.reshape.rawValue, detail: "invalid shape \(Shape.describe(requested))")
        }
        var resolved = requested
        if let axis = inferred.first {
            let known = requested.enumerated().filter { $0.offset != axis }.reduce(1) { $0 * $1.element }
            guard known > 0, elementCount % known == 0 else {
                throw TensorError.shapeMismatch(op: Op.reshape.rawValue, detail: "cannot view \(Shape.describe(shape)) as \(Shape.describe(requested))")
            }
            resolved[axis] = elementCount / known
        }
        guard Shape.elementCount(resolved) == elementCount else {
            throw TensorError.shapeMismatch(op: Op.reshape.rawValue, detail: "cannot view \(Shape.describe(shape)) (\(elementCount) elements) as \(Shape.describe(requested))")
        }
        return resolved
    }

    /// The dimensions reordered: output dimension `i` is input dimension `order[i]`.
    public func permute(_ order: [Int]) throws -> Tensor {
        try OpRecording.run(.permute, inputs: [self], attributes: ["dims": .ints(order)]) {
            let axes = try order.map { try Shape.normalizeAxis($0, rank: rank, op: Op.permute.rawValue) }
            guard axes.count == rank, Set(axes).count == rank else {
                throw TensorError.invalidArgument(op: Op.permute.rawValue, detail: "\(order) is not a permutation of \(rank) dimensions")
            }
            return withGeometry(shape: axes.map { shape[$0] }, strides: axes.map { strides[$0] }, offset: offset)
        }
    }

    /// Two dimensions swapped.
    public func transpose(_ first: Int, _ second: Int) throws -> Tensor {
        try OpRecording.run(.transpose, inputs: [self], attributes: ["dim0": .int(first), "dim1": .int(second)]) {
            let a = try Shape.normalizeAxis(first, rank: rank, op: Op.transpose.rawValue)
            let b = try Shape.normalizeAxis(second, rank: rank, op: Op.transpose.rawValue)
            var newShape = shape, newStrides = strides
            newShape.swapAt(a, b)
            newStrides.swapAt(a, b)
            return withGeometry(shape: newShape, strides: newStrides, offset: offset)
        }
    }

    /// `length` elements of dimension `axis` starting at `start` (PyTorch's `narrow`).
    public func narrow(_ axis: Int, start: Int, length: Int) throws -> Tensor {
        try OpRecording.run(.narrow, inputs: [self], attributes: ["dim": .int(axis), "start": .int(start), "length": .int(length)]) {
            let a = try Shape.normalizeAxis(axis, rank: rank, op: Op.narrow.rawValue)
            guard start >= 0, length >= 0, start + length <= shape[a] else {
                throw TensorError.invalidArgument(op: Op.narrow.rawValue, detail: "range \(start)..<\(start + length) is outside dimension \(a) of size \(shape[a])")
            }
            var newShape = shape
            newShape[a] = length
            return withGeometry(shape: newShape, strides: strides, offset: offset + start * strides[a])
        }
    }

    /// Elements `range` of dimension `axis` (Python's `x[..., a:b]`).
    public func slice(_ axis: Int, _ range: Range<Int>) throws -> Tensor {
        try narrow(axis, start: range.lowerBound, length: range.count)
    }

    /// Index `index` of dimension `axis`, removing that dimension (negative indices count from the end).
    public func select(_ axis: Int, _ index: Int) throws -> Tensor {
        try OpRecording.run(.select, inputs: [self], attributes: ["dim": .int(axis), "index": .int(index)]) {
            let a = try Shape.normalizeAxis(axis, rank: rank, op: Op.select.rawValue)
            let i = index < 0 ? index + shape[a] : index
            guard i >= 0, i < shape[a] else {
                throw TensorError.invalidArgument(op: Op.select.rawValue, detail: "index \(index) is out of range for dimension \(a) of size \(shape[a])")
            }
            var newShape = shape, newStrides = strides
            newShape.remove(at: a)
            newStrides.remove(at: a)
            return withGeometry(shape: newShape, strides: newStrides, offset: offset + i * strides[a])
        }
    }

    /// A new dimension of size 1 at `axis`.
    public func unsqueeze(_ axis: Int) throws -> Tensor {
        try OpRecording.run(.unsqueeze, inputs: [self], attributes: ["dim": .int(axis)]) {
            let a = try Shape.normalizeAxis(axis, rank: rank + 1, op: Op.unsqueeze.rawValue)
            var newShape = shape, newStrides = strides
            newShape.insert(1, at: a)
            newStrides.insert(a < rank ? strides[a] * shape[a] : 1, at: a)
            return withGeometry(shape: newShape, strides: newStrides, offset: offset)
        }
    }

    /// Dimension `axis` removed; it must have size 1.
    public func squeeze(_ axis: Int) throws -> Tensor {
        try OpRecording.run(.squeeze, inputs: [self], attributes: ["dim": .int(axis)]) {
            let a = try Shape.normalizeAxis(axis, rank: rank, op: Op.squeeze.rawValue)
            guard shape[a] == 1 else {
                throw TensorError.invalidArgument(op: Op.squeeze.rawValue, detail: "dimension \(a) has size \(shape[a]), not 1")
            }
            var newShape = shape, newStrides = strides
            newShape.remove(at: a)
            newStrides.remove(at: a)
            return withGeometry(shape: newShape, strides: newStrides, offset: offset)
        }
    }

    /// Size-1 dimensions repeated (stride 0) to reach `target`; new leading dimensions may be added,
    /// and -1 keeps a dimension as it is.
    public func expand(_ target: [Int]) throws -> Tensor {
        try OpRecording.run(.expand, inputs: [self], attributes: ["size": .ints(target)]) {
            try expandedView(target)
        }
    }

    /// `expand` without recording (used inside other ops for broadcasting).
    func expandedView(_ target: [Int]) throws -> Tensor {
        guard target.count >= rank else {
            throw TensorError.shapeMismatch(op: Op.expand.rawValue, detail: "cannot expand \(Shape.describe(shape)) to fewer dimensions \(Shape.describe(target))")
        }
        let lead = target.count - rank
        var newShape = target
        var newStrides = [Int](repeating: 0, count: target.count)
        for axis in 0..<rank {
            let wanted = target[lead + axis] == -1 ? shape[axis] : target[lead + axis]
            if shape[axis] == wanted {
                newStrides[lead + axis] = strides[axis]
            } else if shape[axis] != 1 {
                throw TensorError.shapeMismatch(op: Op.expand.rawValue, detail: "cannot expand \(Shape.describe(shape)) to \(Shape.describe(target)): dimension \(axis) is \(shape[axis])")
            }
            newShape[lead + axis] = wanted
        }
        guard newShape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: Op.expand.rawValue, detail: "invalid target shape \(Shape.describe(target))")
        }
        return withGeometry(shape: newShape, strides: newStrides, offset: offset)
    }

    /// Dimensions `start...end` merged into one.
    public func flatten(from start: Int = 0, to end: Int = -1) throws -> Tensor {
        let first = try Shape.normalizeAxis(start, rank: max(rank, 1), op: "flatten")
        let last = try Shape.normalizeAxis(end, rank: max(rank, 1), op: "flatten")
        guard first <= last, rank > 0 else { return try reshape(shape) }
        let merged = shape[first...last].reduce(1, *)
        return try reshape(Array(shape[..<first]) + [merged] + Array(shape[(last + 1)...]))
    }

    /// Tensors joined along `axis`; every other dimension and the dtype must agree.
    public static func concat(_ parts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = parts.first else {
            throw TensorError.invalidArgument(op: Op.concat.rawValue, detail: "needs at least one tensor")
        }
        return try OpRecording.run(.concat, inputs: parts, attributes: ["dim": .int(axis)]) {
            let a = try Shape.normalizeAxis(axis, rank: first.rank, op: Op.concat.rawValue)
            for part in parts {
                guard part.rank == first.rank, part.dtype == first.dtype,
                      part.shape.indices.allSatisfy({ $0 == a || part.shape[$0] == first.shape[$0] }) else {
                    throw TensorError.shapeMismatch(op: Op.concat.rawValue, detail: "\(Shape.describe(part.shape)) \(part.dtype.rawValue) does not match \(Shape.describe(first.shape)) \(first.dtype.rawValue) outside dimension \(a)")
                }
            }
            var outShape = first.shape
            outShape[a] = parts.reduce(0) { $0 + $1.shape[a] }
            var result = Tensor.uninitialized(shape: outShape, dtype: first.dtype, meta: parts.contains { $0.isMeta })
            guard !result.isMeta else { return result }
            var start = 0
            for part in parts {
                let window = result.withGeometry(shape: part.shape, strides: result.strides, offset: start * result.strides[a])
                part.copy(into: window)
                start += part.shape[a]
            }
            result.traceID = nil
            return result
        }
    }

    /// Copies this tensor's elements into the (writable, same-shape, possibly strided) `destination` view.
    func copy(into destination: Tensor) {
        let byteSize = dtype.byteSize
        let source = rawPointer()
        let target = destination.rawPointer()
        let columns = shape.last ?? 1
        let sourceStride = strides.last ?? 1
        let targetStride = destination.strides.last ?? 1
        StridedLoop.forEachRow(shape: shape, strides: strides) { row, start in
            let targetStart = StridedLoop.rowOffset(row, shape: shape, strides: destination.strides)
            if sourceStride == 1, targetStride == 1 {
                (target + targetStart * byteSize).copyMemory(from: source + start * byteSize, byteCount: columns * byteSize)
            } else {
                for column in 0..<columns {
                    (target + (targetStart + column * targetStride) * byteSize)
                        .copyMemory(from: source + (start + column * sourceStride) * byteSize, byteCount: byteSize)
                }
            }
        }
    }

    /// Views of consecutive pieces of dimension `axis` with the given sizes (they must add up).
    public func split(sizes: [Int], axis: Int) throws -> [Tensor] {
        try OpRecording.run(.split, inputs: [self], attributes: ["sizes": .ints(sizes), "dim": .int(axis)]) {
            let a = try Shape.normalizeAxis(axis, rank: rank, op: Op.split.rawValue)
            guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[a] else {
                throw TensorError.shapeMismatch(op: Op.split.rawValue, detail: "sizes \(sizes) do not add up to dimension \(a) of size \(shape[a])")
            }
            var start = 0
            return sizes.map { size in
                var pieceShape = shape
                pieceShape[a] = size
                defer { start += size }
                return withGeometry(shape: pieceShape, strides: strides, offset: offset + start * strides[a])
            }
        }
    }

    /// `count` equal views along `axis` (PyTorch's `chunk`; the last may be smaller).
    public func chunk(_ count: Int, axis: Int) throws -> [Tensor] {
        guard count > 0 else { throw TensorError.invalidArgument(op: "chunk", detail: "chunk count must be positive, got \(count)") }
        let a = try Shape.normalizeAxis(axis, rank: rank, op: "chunk")
        let size = (shape[a] + count - 1) / count
        var sizes: [Int] = []
        var remaining = shape[a]
        while remaining > 0 {
            sizes.append(min(size, remaining))
            remaining -= size
        }
        return try split(sizes: sizes, axis: a)
    }
}
