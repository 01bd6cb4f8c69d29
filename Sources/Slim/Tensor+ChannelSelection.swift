import Tensor

/// Reading and cutting the channels of a weight (slicing done once, on real data, outside any
/// traced forward pass; not a recorded op).
extension Tensor {
    /// For each index along `axis` of a 1-D or 2-D tensor, whether every element at that index is
    /// exactly zero (INC's `sum(|w|) == 0` along the other axis; NaN is not zero).
    func zeroSlices(axis: Int) throws -> [Bool] {
        guard rank == 1 || rank == 2, axis >= 0, axis < rank else {
            throw SlimError.unsupportedTensor(detail: "zero test along axis \(axis) of a rank-\(rank) tensor")
        }
        let values = try floats()
        if rank == 1 { return values.map { $0 == 0 } }
        let (rows, columns) = (shape[0], shape[1])
        if axis == 0 {
            return (0..<rows).map { row in
                values[(row * columns)..<((row + 1) * columns)].allSatisfy { $0 == 0 }
            }
        }
        var zero = [Bool](repeating: true, count: columns)
        for row in 0..<rows {
            let base = row * columns
            for column in 0..<columns where zero[column] && values[base + column] != 0 { zero[column] = false }
        }
        return zero
    }

    /// A new contiguous f32 tensor holding only `indices` (ascending, in range) along `axis` of
    /// a 1-D or 2-D tensor.
    func selecting(_ indices: [Int], axis: Int) throws -> Tensor {
        guard rank == 1 || rank == 2, axis >= 0, axis < rank else {
            throw SlimError.unsupportedTensor(detail: "selecting along axis \(axis) of a rank-\(rank) tensor")
        }
        let values = try floats()
        if rank == 1 { return try Tensor(indices.map { values[$0] }, shape: [indices.count]) }
        let (rows, columns) = (shape[0], shape[1])
        var result: [Float] = []
        if axis == 0 {
            result.reserveCapacity(indices.count * columns)
            for row in indices { result.append(contentsOf: values[(row * columns)..<((row + 1) * columns)]) }
            return try Tensor(result, shape: [indices.count, columns])
        }
        result.reserveCapacity(rows * indices.count)
        for row in 0..<rows {
            let base = row * columns
            for column in indices { result.append(values[base + column]) }
        }
        return try Tensor(result, shape: [rows, indices.count])
    }
}
