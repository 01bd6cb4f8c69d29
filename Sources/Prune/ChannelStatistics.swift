/// Streaming per-channel statistics of a linear layer's input over every calibration token: the
/// count, the mean, the sum of squared deviations (Welford, merged batch by batch with Chan et
/// al.'s formula) and the sum of squares. Memory is three `Double`s per channel, whatever the
/// number of tokens. FLAP's `baseline_inp` (mean) and `fluc_inp` (variance), Wanda's `scaler_row`
/// (squared norm) in one pass; optionally the cross-channel `SecondMoments` too.
public struct ChannelStatistics: Sendable, Equatable {
    /// Tokens seen.
    public private(set) var count = 0
    /// Per-channel mean.
    public private(set) var mean: [Double]
    /// Per-channel sum of squared deviations from the mean.
    public private(set) var squaredDeviations: [Double]
    /// Per-channel sum of squares (`‖x_j‖²` over all tokens).
    public private(set) var squaredNorm: [Double]
    /// The Gram matrix of the same tokens, when asked for (`channels²` floats).
    public private(set) var secondMoments: SecondMoments?

    /// Empty statistics for `channels` input channels, with `SecondMoments` when `secondMoments`.
    public init(channels: Int, secondMoments: Bool = false) {
        mean = Array(repeating: 0, count: channels)
        squaredDeviations = mean
        squaredNorm = mean
        self.secondMoments = secondMoments ? SecondMoments(channels: channels) : nil
    }

    /// Forgets the second moments (`channels²` floats) once they have been used.
    public mutating func dropSecondMoments() {
        secondMoments = nil
    }

    /// The inputs' covariance (`SecondMoments.covariance`), nil without second moments.
    public var covariance: [Double]? { secondMoments?.covariance(mean: mean) }

    /// Channels.
    public var channels: Int { mean.count }

    /// Per-channel sample variance (n − 1 in the denominator; 0 below two tokens).
    public var variance: [Double] {
        count > 1 ? squaredDeviations.map { $0 / Double(count - 1) } : Array(repeating: 0, count: channels)
    }

    /// Adds `rows` tokens laid out row-major, `channels` values each.
    public mutating func add(_ values: UnsafeBufferPointer<Float>, rows: Int) {
        guard rows > 0 else { return }
        let width = channels
        precondition(values.count == rows * width, "ChannelStatistics: \(values.count) values are not \(rows) rows of \(width)")
        var batchMean = [Double](repeating: 0, count: width)
        var batchSquares = [Double](repeating: 0, count: width)
        for row in 0..<rows {
            let base = row * width
            for channel in 0..<width {
                let value = Double(values[base + channel])
                batchMean[channel] += value
                batchSquares[channel] += value * value
            }
        }
        let batchCount = Double(rows)
        let total = Double(count + rows)
        for channel in 0..<width {
            let sum = batchMean[channel]
            let localMean = sum / batchCount
            // Two-pass-free batch deviations: Σx² − (Σx)²/n, in Double over at most one batch.
            let localDeviations = max(batchSquares[channel] - sum * localMean, 0)
            let delta = localMean - mean[channel]
            mean[channel] += delta * batchCount / total
            squaredDeviations[channel] += localDeviations + delta * delta * Double(count) * batchCount / total
            squaredNorm[channel] += batchSquares[channel]
        }
        count += rows
        secondMoments?.add(values, rows: rows)
    }
}
