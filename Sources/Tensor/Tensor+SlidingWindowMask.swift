extension Tensor {
    /// A bool `[queryLength, keyLength]` mask that is true where a key is too old for a sliding
    /// attention window of `window` positions: key `j` is at or before query position `i − window`
    /// (queries aligned to the last keys, as `causalMask`). Hugging Face's `sliding_window_overlay`
    /// keeps `kv_idx > q_idx − window`; combine with the causal mask for Mistral-style attention.
    public static func slidingWindowMask(queryLength: Int, keyLength: Int, window: Int, meta: Bool = false) throws -> Tensor {
        guard queryLength >= 0, keyLength >= queryLength, window > 0 else {
            throw TensorError.invalidArgument(op: Op.slidingWindowMask.rawValue, detail: "needs 0 ≤ query length \(queryLength) ≤ key length \(keyLength) and a positive window, got \(window)")
        }
        let attributes: [String: OpAttribute] = ["query_length": .int(queryLength), "key_length": .int(keyLength), "window": .int(window)]
        return try OpRecording.run(.slidingWindowMask, inputs: [], attributes: attributes) {
            let result = Tensor.zeros(shape: [queryLength, keyLength], dtype: .bool, meta: meta)
            guard !meta else { return result }
            let flags = result.rawPointer().assumingMemoryBound(to: UInt8.self)
            let shift = keyLength - queryLength
            for i in 0..<queryLength {
                let newestExpired = i + shift - window
                guard newestExpired >= 0 else { continue }
                for j in 0...newestExpired { flags[i * keyLength + j] = 1 }
            }
            return result
        }
    }
}
