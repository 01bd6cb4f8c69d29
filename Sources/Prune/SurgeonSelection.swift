import CBLAS

/// Greedy Optimal-Brain-Surgeon choice of the input channels to remove from a root linear
/// (ZipLM's and SlimGPT's structured OBS): with `H⁻¹` the inverse of the inputs' damped covariance
/// and `W` the root's weight, removing channel `j` and reconstructing the rest optimally raises the
/// layer's output error `E‖ΔW x‖²` by `‖W[:, j]‖² / [H⁻¹]_jj`. The cheapest channels go first, a
/// batch at a time; after each batch `W` takes the optimal update and `H⁻¹` loses the removed
/// channels (a rank-`b` downdate), so later choices see what the earlier ones left. Removing
/// channels one by one (`batch: 1`) is the exact greedy order.
public enum SurgeonSelection {
    /// Channels each step removes together.
    public static let defaultBatch = 8

    /// The channel error `‖W[:, j]‖² / [H⁻¹]_jj` of every input channel, from the weight
    /// (`[out, in]`, row-major) and the damped covariance's inverse (row-major `in × in`).
    public static func scores(weight: [Double], outFeatures: Int, inverse: [Double]) -> [Double] {
        let inFeatures = outFeatures > 0 ? weight.count / outFeatures : 0
        var squares = [Double](repeating: 0, count: inFeatures)
        for row in 0..<outFeatures {
            let base = row * inFeatures
            for column in 0..<inFeatures { squares[column] += weight[base + column] * weight[base + column] }
        }
        return (0..<inFeatures).map { squares[$0] / max(inverse[$0 * inFeatures + $0], .leastNormalMagnitude) }
    }

    /// The `count` channels (ascending) greedy OBS removes from a root with weight `weight`
    /// (`[out, in]`, row-major) and input covariance `covariance` (row-major `in × in`, undamped).
    /// Nil when the damped covariance is not positive definite (not finite).
    public static func removed(weight: [Float], outFeatures: Int, covariance: [Double], count: Int,
                               damping: Double = ChannelReconstruction.defaultDamping, batch: Int = defaultBatch) -> [Int]? {
        let n = outFeatures > 0 ? weight.count / outFeatures : 0
        guard count > 0, n > 0 else { return [] }
        guard let factor = Cholesky(ChannelReconstruction.damped(covariance, order: n, damping: damping), order: n) else { return nil }
        var inverse = factor.inverse()
        var current = weight.map(Double.init)
        var alive = [Bool](repeating: true, count: n)
        var removed: [Int] = []
        while removed.count < count {
            let scores = Self.scores(weight: current, outFeatures: outFeatures, inverse: inverse)
            let chosen = (0..<n).filter { alive[$0] }.sorted { (scores[$0], $0) < (scores[$1], $1) }.prefix(min(batch, count - removed.count))
            let block = Array(chosen)
            let b = block.count
            // S = H⁻¹[B, B]; the update uses S⁻¹ H⁻¹[B, :] for both W and H⁻¹.
            var s = [Double](repeating: 0, count: b * b)
            for (a, row) in block.enumerated() { for (c, column) in block.enumerated() { s[a * b + c] = inverse[row * n + column] } }
            var rows = [Double](repeating: 0, count: b * n)
            for (a, row) in block.enumerated() { for column in 0..<n { rows[a * n + column] = inverse[row * n + column] } }
            guard let blockFactor = Cholesky(s, order: b) else { return nil }
            var projected = rows
            solveRows(blockFactor, &projected, order: b, columns: n)
            // W −= W[:, B] · (S⁻¹ H⁻¹[B, :]);  H⁻¹ −= H⁻¹[:, B] · (S⁻¹ H⁻¹[B, :]).
            var weightColumns = [Double](repeating: 0, count: outFeatures * b)
            for row in 0..<outFeatures { for (a, column) in block.enumerated() { weightColumns[row * b + a] = current[row * n + column] } }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(outFeatures), blasint(n), blasint(b), -1,
                        weightColumns, blasint(b), projected, blasint(n), 1, &current, blasint(n))
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blasint(n), blasint(n), blasint(b), -1,
                        rows, blasint(n), projected, blasint(n), 1, &inverse, blasint(n))
            for channel in block {
                alive[channel] = false
                for row in 0..<outFeatures { current[row * n + channel] = 0 }
            }
            removed += block
        }
        return removed.sorted()
    }

    /// Solves `S X = Y` for `Y` given row-major `order × columns` (each column a right-hand side).
    private static func solveRows(_ factor: Cholesky, _ values: inout [Double], order: Int, columns: Int) {
        var transposed = [Double](repeating: 0, count: values.count)
        for row in 0..<order { for column in 0..<columns { transposed[row + column * order] = values[row * columns + column] } }
        factor.solve(&transposed, columns: columns)
        for row in 0..<order { for column in 0..<columns { values[row * columns + column] = transposed[row + column * order] } }
    }
}
