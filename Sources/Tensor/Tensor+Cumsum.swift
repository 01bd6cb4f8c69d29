extension Tensor {
    /// Running sum along `axis` (PyTorch's `cumsum`): integer and bool inputs give i64, as
    /// PyTorch does; floating-point inputs give f32. Sums accumulate in double precision.
    public func cumsum(axis: Int) throws -> Tensor {
        try OpRecording.run("cumsum", inputs: [self], attributes: ["dim": .int(axis)]) {
            let a = try Shape.normalizeAxis(axis, rank: rank, op: "cumsum")
            let outType: DType = dtype.isFloatingPoint ? .f32 : .i64
            let result = Tensor.uninitialized(shape: shape, dtype: outType, meta: isMeta)
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = isContiguous ? self : copiedContiguous()
            let input = source.rawPointer(), output = result.rawPointer()
            let count = shape[a], inner = shape[(a + 1)...].reduce(1, *), outer = shape[..<a].reduce(1, *)
            for o in 0..<outer {
                for i in 0..<inner {
                    var total = 0.0
                    for k in 0..<count {
                        let index = (o * count + k) * inner + i
                        total += Tensor.loadDouble(input, dtype, index)
                        Tensor.storeDouble(total, output, outType, index)
                    }
                }
            }
            return result
        }
    }
}
