import CBLAS

/// Streaming second moments of a linear layer's input over every calibration token: the Gram
/// matrix `Σ x xᵀ` (`channels × channels`, accumulated in place by `cblas_ssyrk`, upper triangle)
/// and the token count. The `H = X Xᵀ` that SparseGPT's and SlimGPT's `add_batch` hooks gather for
/// layer-wise reconstruction. Memory is `channels²` floats, whatever the number of tokens.
public struct SecondMoments: Sendable, Equatable {
    /// Tokens seen.
    public private(set) var count = 0
    /// Input channels.
    public let channels: Int
    /// `Σ x xᵀ`, row-major; only the upper triangle (column ≥ row) is accumulated.
    public private(set) var gram: [Float]

    /// Empty moments for `channels` input channels.
    public init(channels: Int) {
        self.channels = channels
        gram = Array(repeating: 0, count: channels * channels)
    }

    /// Adds `rows` tokens laid out row-major, `channels` values each.
    public mutating func add(_ values: UnsafeBufferPointer<Float>, rows: Int) {
        guard rows > 0, channels > 0, let base = values.baseAddress else { return }
        precondition(values.count == rows * channels, "SecondMoments: \(values.count) values are not \(rows) rows of \(channels)")
        let n = Int32(channels)
        gram.withUnsafeMutableBufferPointer { gram in
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, n, Int32(rows), 1, base, n, 1, gram.baseAddress, n)
        }
        count += rows
    }

    /// The input covariance `Σ x xᵀ / n − μ μᵀ` (population, full symmetric, row-major, in
    /// `Double`) given the per-channel `mean` over the same tokens (`ChannelStatistics.mean`).
    public func covariance(mean: [Double]) -> [Double] {
        precondition(mean.count == channels, "SecondMoments: \(mean.count) means for \(channels) channels")
        let n = channels
        let tokens = Double(max(count, 1))
        var result = [Double](repeating: 0, count: n * n)
        for row in 0..<n {
            for column in row..<n {
                let value = Double(gram[row * n + column]) / tokens - mean[row] * mean[column]
                result[row * n + column] = value
                result[column * n + row] = value
            }
        }
        return result
    }
}
