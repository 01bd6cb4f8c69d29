extension Tensor {
    /// The integers `0..<count` as a 1-D tensor (PyTorch's `arange(count)`), e.g. the position ids of
    /// a sequence; i64 unless `dtype` says otherwise (a float dtype holds the same values).
    public static func arange(_ count: Int, dtype: DType = .i64, meta: Bool = false) throws -> Tensor {
        guard count >= 0 else { throw TensorError.invalidArgument(op: Op.arange.rawValue, detail: "count must not be negative, got \(count)") }
        return try OpRecording.run(.arange, inputs: [], attributes: ["end": .int(count), "dtype": .string(dtype.rawValue)]) {
            let result = Tensor.uninitialized(shape: [count], dtype: dtype, meta: meta)
            guard !meta else { return result }
            let output = result.rawPointer()
            for index in 0..<count { Tensor.storeDouble(Double(index), output, dtype, index) }
            return result
        }
    }
}
