/// Walks the elements of a strided view one innermost row at a time, so kernels can run a tight
/// loop over each row while the outer dimensions are counted here.
enum StridedLoop {
    /// Calls `body(rowIndex, startOffset)` for every innermost row of `shape` in row-major order,
    /// where `startOffset` is the element offset of the row's first element under `strides`.
    /// Rank-0 tensors have one row of one element.
    @inline(__always)
    static func forEachRow(shape: [Int], strides: [Int], _ body: (Int, Int) -> Void) {
        let rank = shape.count
        if rank <= 1 { body(0, 0); return }
        let outerRank = rank - 1
        var rows = 1
        for axis in 0..<outerRank { rows *= shape[axis] }
        if rows == 0 { return }
        var index = [Int](repeating: 0, count: outerRank)
        var position = 0
        for row in 0..<rows {
            body(row, position)
            var axis = outerRank - 1
            while axis >= 0 {
                index[axis] += 1
                position += strides[axis]
                if index[axis] < shape[axis] { break }
                position -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// The element offset of row `row` (row-major over all but the last dimension) under `strides`.
    @inline(__always)
    static func rowOffset(_ row: Int, shape: [Int], strides: [Int]) -> Int {
        var remaining = row
        var position = 0
        var axis = shape.count - 2
        while axis >= 0 {
            let extent = shape[axis]
            position += (remaining % extent) * strides[axis]
            remaining /= extent
            axis -= 1
        }
        return position
    }
}
