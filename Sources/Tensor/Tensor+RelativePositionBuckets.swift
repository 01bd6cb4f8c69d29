import Foundation

extension Tensor {
    /// The bidirectional relative position bucket of every (query, key) pair, i64
    /// `[queryLength, keyLength]`: T5's and MPNet's `relative_position_bucket(key − query,
    /// num_buckets, max_distance)` (Hugging Face `MPNetEncoder.relative_position_bucket`). Half the
    /// buckets are for keys before the query, half for keys after; distances below a quarter of the
    /// buckets are exact, larger ones log-spaced up to `maxDistance` (computed in f32 as PyTorch
    /// does), the last bucket of each half holding everything farther. Recorded with its sizes, so
    /// an exported graph computes the table from the input length.
    public static func relativePositionBuckets(queryLength: Int, keyLength: Int, buckets: Int, maxDistance: Int, meta: Bool = false) throws -> Tensor {
        let name = Op.relativePositionBuckets.rawValue
        guard queryLength >= 0, keyLength >= 0 else {
            throw TensorError.invalidArgument(op: name, detail: "lengths must not be negative, got \(queryLength) and \(keyLength)")
        }
        guard buckets >= 4, buckets % 4 == 0, maxDistance > buckets / 4 else {
            throw TensorError.invalidArgument(op: name, detail: "needs a multiple of 4 buckets (got \(buckets)) and a max distance above a quarter of them (got \(maxDistance))")
        }
        let attributes: [String: OpAttribute] = ["query_length": .int(queryLength), "key_length": .int(keyLength),
                                                 "buckets": .int(buckets), "max_distance": .int(maxDistance)]
        return try OpRecording.run(.relativePositionBuckets, inputs: [], attributes: attributes) {
            let result = Tensor.uninitialized(shape: [queryLength, keyLength], dtype: .i64, meta: meta)
            guard !meta else { return result }
            let output = result.rawPointer().assumingMemoryBound(to: Int64.self)
            let half = buckets / 2, exact = half / 2
            let logRange = Float(log(Double(maxDistance) / Double(exact)))
            for query in 0..<queryLength {
                for key in 0..<keyLength {
                    let n = query - key, distance = abs(n)
                    let bucket = distance < exact ? distance
                        : min(exact + Int(log(Float(distance) / Float(exact)) / logRange * Float(half - exact)), half - 1)
                    output[query * keyLength + key] = Int64((n < 0 ? half : 0) + bucket)
                }
            }
            return result
        }
    }
}
