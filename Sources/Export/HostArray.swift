import Tensor

/// A tensor's elements as `Double`s with its shape and dtype: what the ONNX runner computes the
/// small integer and boolean tensors of a graph with (sizes, positions, masks) and the float ops
/// the runtime has no kernel for (`Sqrt`, `Cos`, `Sin`, `Log`, `Ceil`...). Integers up to 2⁵³ are exact.
struct HostArray {
    var shape: [Int]
    var dtype: DType
    var values: [Double]

    init(shape: [Int], dtype: DType, values: [Double]) {
        self.shape = shape
        self.dtype = dtype
        self.values = values
    }

    init(_ tensor: Tensor) throws {
        shape = tensor.shape
        dtype = tensor.dtype
        values = tensor.dtype.isFloatingPoint ? try tensor.floats().map(Double.init) : try tensor.integers().map(Double.init)
    }

    /// The runtime tensor holding these elements.
    func tensor() throws -> Tensor {
        if dtype.isFloatingPoint { return try Tensor(values.map { Float($0) }, shape: shape).to(dtype) }
        return try Tensor(integers: values.map { Int($0) }, shape: shape, dtype: dtype)
    }

    /// `transform` of every element.
    func map(_ transform: (Double) -> Double) -> HostArray {
        HostArray(shape: shape, dtype: dtype, values: values.map(transform))
    }

    /// `combine(a, b)` elementwise with NumPy broadcasting, of dtype `dtype`.
    static func broadcast(_ a: HostArray, _ b: HostArray, to dtype: DType, op: String,
                          _ combine: (Double, Double) -> Double) throws -> HostArray {
        let shape = try Shape.broadcast(a.shape, b.shape, op: op)
        let aStrides = broadcastStrides(a.shape, into: shape), bStrides = broadcastStrides(b.shape, into: shape)
        let count = Shape.elementCount(shape)
        var values = [Double](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<count {
            var aOffset = 0, bOffset = 0
            for axis in 0..<shape.count {
                aOffset += index[axis] * aStrides[axis]
                bOffset += index[axis] * bStrides[axis]
            }
            values[position] = combine(a.values[aOffset], b.values[bOffset])
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return HostArray(shape: shape, dtype: dtype, values: values)
    }

    /// Row-major strides of `shape` read as `target` (0 along broadcast dimensions).
    private static func broadcastStrides(_ shape: [Int], into target: [Int]) -> [Int] {
        let own = Shape.contiguousStrides(shape)
        let lead = target.count - shape.count
        return (0..<target.count).map { axis in
            axis < lead || shape[axis - lead] == 1 ? 0 : own[axis - lead]
        }
    }
}
