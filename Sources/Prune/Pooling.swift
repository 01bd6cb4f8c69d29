/// How token embeddings `[batch, length, width]` become one embedding per text (sentence-
/// transformers' `Pooling`): `mean` averages the tokens the attention mask keeps
/// (`pooling_mode_mean_tokens`, all-MiniLM-L6-v2's), `cls` takes the first token
/// (`pooling_mode_cls_token`).
public enum Pooling: String, Sendable, CaseIterable, Codable {
    case mean, cls

    /// One embedding per text of `values` (`[batch, length, width]`, row-major), `mask` the
    /// attention mask (`[batch, length]`, nil: every token).
    public func pool(_ values: [Float], batch: Int, length: Int, width: Int, mask: [Int]?) -> [[Double]] {
        (0..<batch).map { text in
            var sum = [Double](repeating: 0, count: width)
            let tokens = self == .cls ? 0..<min(1, length) : 0..<length
            var count = 0.0
            for token in tokens where self == .cls || (mask?[text * length + token] ?? 1) != 0 {
                let base = (text * length + token) * width
                for channel in 0..<width { sum[channel] += Double(values[base + channel]) }
                count += 1
            }
            // sentence-transformers clamps the token count to at least 1e-9.
            return sum.map { $0 / max(count, 1e-9) }
        }
    }
}
