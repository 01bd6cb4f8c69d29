import CBLAS

/// Least-squares reconstruction of a root linear after input channels are removed (SlimGPT's and
/// ZipLM's structured OBS update, SparseGPT's for whole columns): the kept columns `K` absorb what
/// the removed ones `R` carried, as far as it is predictable from the kept channels over the
/// calibration tokens, and the bias absorbs the rest of the mean.
///
/// With `Σ` the inputs' covariance (damped: `Σ + λI`, `λ` a fraction of its mean diagonal, as
/// SparseGPT's `percdamp`) and `μ` their mean, the kept weights minimise
/// `E‖W x + b − W'_K x_K − b'‖²` over the calibration inputs:
/// `W'_K = W_K + W_R Σ_RK Σ_KK⁻¹` and `b' = b + W μ − W'_K μ_K` (FLAP's bias compensation is the
/// special case `Σ_RK = 0`). The removed columns become zero.
public enum ChannelReconstruction {
    /// The default damping: 1% of the mean input variance, SparseGPT's `percdamp = .01`.
    public static let defaultDamping = 0.01

    /// `Σ + λI` with `λ = damping · mean(diag Σ)` (row-major `order × order`); an all-constant
    /// input (zero diagonal) gets `λ = damping`, so the matrix stays positive definite.
    static func damped(_ covariance: [Double], order: Int, damping: Double) -> [Double] {
        let diagonal = (0..<order).reduce(0.0) { $0 + covariance[$1 * order + $1] } / Double(max(order, 1))
        let lambda = damping * (diagonal > 0 ? diagonal : 1)
        var result = covariance
        for index in 0..<order { result[index * order + index] += lambda }
        return result
    }

    /// The root's new weight (`[out, in]`, row-major, removed columns zero) and bias (`out` values;
    /// `bias` nil means zeros) after removing `removed` input channels, from the inputs' `mean` and
    /// `covariance` (row-major `in × in`). Nil when the damped covariance of the kept channels is
    /// not positive definite (not finite).
    public static func reconstruct(weight: [Float], outFeatures: Int, bias: [Float]?, mean: [Double], covariance: [Double],
                                   removed: [Int], damping: Double = defaultDamping) -> (weight: [Float], bias: [Float])? {
        let inFeatures = outFeatures > 0 ? weight.count / outFeatures : 0
        precondition(mean.count == inFeatures && covariance.count == inFeatures * inFeatures,
                     "ChannelReconstruction: statistics for \(mean.count) channels, weight has \(inFeatures)")
        var removedMask = [Bool](repeating: false, count: inFeatures)
        for channel in removed { removedMask[channel] = true }
        let kept = (0..<inFeatures).filter { !removedMask[$0] }
        let sigma = damped(covariance, order: inFeatures, damping: damping)
        let k = kept.count, r = removed.count
        // Σ_KK and Σ_RK, gathered.
        var keptBlock = [Double](repeating: 0, count: k * k)
        for (a, row) in kept.enumerated() { for (b, column) in kept.enumerated() { keptBlock[a * k + b] = sigma[row * inFeatures + column] } }
        var crossBlock = [Double](repeating: 0, count: r * k)
        for (a, row) in removed.enumerated() { for (b, column) in kept.enumerated() { crossBlock[a * k + b] = sigma[row * inFeatures + column] } }
        var removedWeights = [Double](repeating: 0, count: outFeatures * r)
        for row in 0..<outFeatures { for (a, column) in removed.enumerated() { removedWeights[row * r + a] = Double(weight[row * inFeatures + column]) } }
        // Δ = W_R Σ_RK (out × k, row-major), then Δ Σ_KK⁻¹ by solving Σ_KK Δᵀ = (W_R Σ_RK)ᵀ.
        var delta = [Double](repeating: 0, count: outFeatures * k)
        if r > 0, k > 0, outFeatures > 0 {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(outFeatures), blasint(k), blasint(r), 1,
                        removedWeights, blasint(r), crossBlock, blasint(k), 0, &delta, blasint(k))
            guard let factor = Cholesky(keptBlock, order: k) else { return nil }
            factor.solve(&delta, columns: outFeatures)
        }
        guard delta.allSatisfy(\.isFinite) else { return nil }
        var newWeight = [Float](repeating: 0, count: weight.count)
        var newBias = [Float](repeating: 0, count: outFeatures)
        for row in 0..<outFeatures {
            let base = row * inFeatures
            var shift = Double(bias?[row] ?? 0)
            for (a, column) in removed.enumerated() { shift += removedWeights[row * r + a] * mean[column] }
            for (a, column) in kept.enumerated() {
                let change = delta[row * k + a]
                newWeight[base + column] = Float(Double(weight[base + column]) + change)
                shift -= change * mean[column]
            }
            newBias[row] = Float(shift)
        }
        return (newWeight, newBias)
    }
}
