/// FLAP's bias compensation: a removed input channel `j` of a root linear is replaced by its mean
/// over the calibration tokens, so the root's output keeps `W[:, j] · mean_j`, folded into the
/// bias: `b' = b + W[:, removed] · mean[removed]` (FLAP's `compress(..., bias=True)`). Exact when
/// the removed channels are constant.
public enum BiasCompensation {
    /// The root's new bias (`outFeatures` values) from its weight (`[out, in]`, row-major), its
    /// bias (nil: zeros), the input means and the removed channels.
    public static func bias(weight: [Float], outFeatures: Int, bias: [Float]?, mean: [Double], removed: [Int]) -> [Float] {
        let inFeatures = outFeatures > 0 ? weight.count / outFeatures : 0
        return (0..<outFeatures).map { row in
            let base = row * inFeatures
            var sum = Double(bias?[row] ?? 0)
            for channel in removed { sum += Double(weight[base + channel]) * mean[channel] }
            return Float(sum)
        }
    }
}
