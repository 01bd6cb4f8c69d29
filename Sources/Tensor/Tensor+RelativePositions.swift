import Foundation

extension Tensor {
    /// DeBERTa's gather index for its relative-position scores over a sequence of `length`: for
    /// query `i` and key `j`, `clamp(sign · r + span, 0, 2·span − 1)` with `r = i − j`, log-bucketed
    /// when `buckets` > 0 (`logBucketPosition`), as i64 `[1, 1, length, length]`. Hugging Face's
    /// `build_relative_position` and the clamps of `disentangled_attention_bias`: `sign` 1 gives
    /// the content→position (c2p) columns, −1 the position→content (p2c) ones. Recorded as one op,
    /// so an export computes it from the input's length.
    public static func relativePositionIndex(length: Int, buckets: Int, maxPosition: Int, span: Int, sign: Int, meta: Bool = false) throws -> Tensor {
        let op = Op.relativePositions.rawValue
        guard length >= 0, span > 0, sign == 1 || sign == -1, buckets <= 0 || (buckets >= 2 && maxPosition > buckets / 2 + 1) else {
            throw TensorError.invalidArgument(op: op, detail: "length \(length), span \(span), sign \(sign), buckets \(buckets) and max position \(maxPosition) do not describe a position table")
        }
        let attributes: [String: OpAttribute] = ["length": .int(length), "buckets": .int(buckets), "max_position": .int(maxPosition),
                                                 "span": .int(span), "sign": .int(sign)]
        return try OpRecording.run(.relativePositions, inputs: [], attributes: attributes) {
            let result = Tensor.uninitialized(shape: [1, 1, length, length], dtype: .i64, meta: meta)
            guard !meta else { return result }
            let output = result.rawPointer().assumingMemoryBound(to: Int64.self)
            for query in 0..<length {
                for key in 0..<length {
                    let distance = buckets > 0 ? logBucketPosition(query - key, buckets: buckets, maxPosition: maxPosition) : query - key
                    output[query * length + key] = Int64(min(max(sign * distance + span, 0), 2 * span - 1))
                }
            }
            return result
        }
    }

    /// `make_log_bucket_position` for one distance, in f32 as PyTorch computes it: the distance
    /// itself below `buckets / 2`, beyond it `ceil(log(|d| / mid) / log((maxPosition − 1) / mid) ·
    /// (mid − 1)) + mid` with the distance's sign.
    public static func logBucketPosition(_ distance: Int, buckets: Int, maxPosition: Int) -> Int {
        let mid = buckets / 2
        let magnitude = distance < mid && distance > -mid ? mid - 1 : abs(distance)
        guard magnitude > mid else { return distance }
        let logPosition = (logf(Float(magnitude) / Float(mid)) / logBucketScale(buckets: buckets, maxPosition: maxPosition) * Float(mid - 1)).rounded(.up) + Float(mid)
        return Int(logPosition * Float(distance.signum()))
    }

    /// `log((maxPosition − 1) / (buckets / 2))` in f32, the divisor of every log bucket.
    public static func logBucketScale(buckets: Int, maxPosition: Int) -> Float {
        logf(Float(Double(maxPosition - 1) / Double(buckets / 2)))
    }
}
