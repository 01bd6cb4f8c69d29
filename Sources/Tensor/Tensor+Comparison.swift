extension Tensor {
    /// Elementwise `self != value` as a bool tensor (PyTorch's `ne` with a scalar), any input dtype.
    public func notEqual(_ value: Double) throws -> Tensor {
        try OpRecording.run(.ne, inputs: [self], attributes: ["other": .float(value)]) {
            let result = Tensor.uninitialized(shape: shape, dtype: .bool, meta: isMeta)
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = isContiguous ? self : copiedContiguous()
            let input = source.rawPointer()
            let flags = result.rawPointer().assumingMemoryBound(to: UInt8.self)
            for index in 0..<elementCount { flags[index] = Tensor.loadDouble(input, dtype, index) != value ? 1 : 0 }
            return result
        }
    }
}
