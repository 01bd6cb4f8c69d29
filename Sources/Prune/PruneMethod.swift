/// How a root linear's input channels are scored (a low score goes first).
///
/// With `W` the root's weight `[out, in]` and `x_j` its input channel `j` over the calibration tokens:
/// - `magnitude`: `‖W[:, j]‖` (LLM-Pruner's and FLAP's magnitude baseline; needs no calibration);
/// - `wandaSP`: `‖W[:, j]‖ · ‖x_j‖` (Wanda-sp, the structured Wanda of FLAP's `prune_wanda_sp`);
/// - `flap`: `Var(x_j) · ‖W[:, j]‖²` (FLAP's fluctuation metric `WIFV`), and the removed channels'
///   mean contribution is folded into the root's bias (`BiasCompensation`);
/// - `obs`: `‖W[:, j]‖² / [Σ⁻¹]_jj` with `Σ` the inputs' damped covariance (the Optimal Brain
///   Surgeon's error of removing `j` and reconstructing the rest, ZipLM's and SlimGPT's structured
///   OBS), refined greedily (`SurgeonSelection`), and the kept columns and bias take the
///   least-squares update (`ChannelReconstruction`).
public enum PruneMethod: String, Sendable, CaseIterable, Codable {
    case obs
    case flap
    case wandaSP = "wanda-sp"
    case magnitude

    /// Whether the removed channels' mean is folded into the root's bias.
    public var compensatesBias: Bool { self == .flap || self == .obs }

    /// Whether the kept columns are reconstructed from the inputs' covariance (which calibration
    /// then gathers: `SecondMoments`).
    public var reconstructs: Bool { self == .obs }

    /// How a key/value group's channels are scored at the output projection's input: as the
    /// method scores channels, except `obs`, whose head counterpart (reconstructing the output
    /// projection over whole heads) is not built: its groups are scored by FLAP's metric.
    public var headScoring: PruneMethod { self == .obs ? .flap : self }

    /// Whether scores need activation statistics.
    public var needsCalibration: Bool { self != .magnitude }

    /// One score per input channel of a root whose weight is `weight` (`[out, in]`, row-major),
    /// from its input statistics (unused by `magnitude`).
    public func scores(weight: [Float], outFeatures: Int, statistics: ChannelStatistics?) -> [Double] {
        let inFeatures = outFeatures > 0 ? weight.count / outFeatures : 0
        var columnSquares = [Double](repeating: 0, count: inFeatures)
        for row in 0..<outFeatures {
            let base = row * inFeatures
            for column in 0..<inFeatures {
                let value = Double(weight[base + column])
                columnSquares[column] += value * value
            }
        }
        switch self {
        case .magnitude:
            return columnSquares.map { $0.squareRoot() }
        case .wandaSP:
            let norms = statistics?.squaredNorm ?? Array(repeating: 0, count: inFeatures)
            return zip(columnSquares, norms).map { ($0 * $1).squareRoot() }
        case .flap:
            let variance = statistics?.variance ?? Array(repeating: 0, count: inFeatures)
            return zip(columnSquares, variance).map { $0 * $1 }
        case .obs:
            guard let covariance = statistics?.covariance,
                  let factor = Cholesky(ChannelReconstruction.damped(covariance, order: inFeatures, damping: ChannelReconstruction.defaultDamping),
                                        order: inFeatures) else { return Array(repeating: 0, count: inFeatures) }
            return SurgeonSelection.scores(weight: weight.map(Double.init), outFeatures: outFeatures, inverse: factor.inverse())
        }
    }
}
