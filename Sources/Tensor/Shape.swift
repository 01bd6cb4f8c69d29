/// Shape arithmetic shared by the tensor ops: element counts, contiguous strides, broadcasting.
public enum Shape {
    /// The number of elements of a tensor with this shape (1 for a scalar `[]`).
    @inlinable
    public static func elementCount(_ shape: [Int]) -> Int {
        var count = 1
        for dim in shape { count *= dim }
        return count
    }

    /// The number of elements of a shape read from a file, or nil when a dimension is negative or
    /// the shape cannot be addressed: the product of its dimensions (zeros counted as ones, as
    /// `contiguousStrides` counts them) overflows `Int`.
    public static func checkedElementCount(_ shape: [Int]) -> Int? {
        var count = 1
        var span = 1
        for dim in shape {
            guard dim >= 0 else { return nil }
            let (nextSpan, overflow) = span.multipliedReportingOverflow(by: Swift.max(dim, 1))
            guard !overflow else { return nil }
            span = nextSpan
            count *= dim
        }
        return count
    }

    /// Row-major strides, in elements, of a contiguous tensor with this shape.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= max(shape[axis], 1)
        }
        return strides
    }

    /// The shape two shapes broadcast to (NumPy rules), or a shape-mismatch error naming `op`.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                result[i] = da
            } else if da == 1 {
                result[i] = db
            } else {
                throw TensorError.shapeMismatch(op: op, detail: "\(a) and \(b) do not broadcast (dimension \(i): \(da) vs \(db))")
            }
        }
        return result
    }

    /// Resolves a possibly negative axis against `rank`, or throws naming `op`.
    public static func normalizeAxis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw TensorError.invalidArgument(op: op, detail: "axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return resolved
    }

    /// Renders a shape the way error messages and the IR print it: `[1, 16, 64]`.
    public static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}
