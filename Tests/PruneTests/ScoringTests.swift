import Prune
import Testing

@Suite struct ScoringTests {
    // W = [[1, 0, 3], [2, 0, -4]] (out 2, in 3): column norms √5, 0, 5.
    let weight: [Float] = [1, 0, 3, 2, 0, -4]

    func statistics() -> ChannelStatistics {
        var statistics = ChannelStatistics(channels: 3)
        let rows: [Float] = [1, 2, 1, 3, 2, 1]  // channel 0: 1, 3; channel 1: 2, 2; channel 2: 1, 1
        rows.withUnsafeBufferPointer { statistics.add($0, rows: 2) }
        return statistics
    }

    @Test func magnitudeIsTheColumnNorm() {
        let scores = PruneMethod.magnitude.scores(weight: weight, outFeatures: 2, statistics: nil)
        #expect(zip(scores, [Double(5).squareRoot(), 0, 5]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func wandaSPIsColumnNormTimesInputNorm() {
        let scores = PruneMethod.wandaSP.scores(weight: weight, outFeatures: 2, statistics: statistics())
        #expect(zip(scores, [Double(5).squareRoot() * Double(10).squareRoot(), 0, 5 * Double(2).squareRoot()]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func flapIsVarianceTimesSquaredColumnNorm() {
        let scores = PruneMethod.flap.scores(weight: weight, outFeatures: 2, statistics: statistics())
        // Variances (n − 1): 2, 0, 0.
        #expect(zip(scores, [10.0, 0, 0]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func uniformAllocationRemovesTheSameFractionOfEveryLayerLowestFirst() {
        let removed = ChannelAllocation.uniform.removed(scores: [[4, 1, 3, 2], [1, 2, 3, 0.5]], sparsity: 0.5)
        #expect(removed == [[1, 3], [0, 3]])
    }

    @Test func adaptiveAllocationRemovesTheGlobalFractionByStandardizedScoreAndKeepsAChannel() {
        let removed = ChannelAllocation.adaptive.removed(scores: [[1, 1, 1, 100], [1, 2, 3, 4]], sparsity: 0.5)
        #expect(removed.map(\.count).reduce(0, +) == 4)
        #expect(removed[0] == [0, 1, 2])
        #expect(removed[1] == [0])
        #expect(ChannelAllocation.adaptive.removed(scores: [[1, 2]], sparsity: 0.99) == [[0]])
    }

    @Test func compensatedBiasKeepsTheOutputExactWhenRemovedChannelsAreConstant() {
        let weight: [Float] = PruneTestSupport.values(4 * 6, seed: 3)
        let bias: [Float] = [0.5, -1, 2, 0]
        let removed = [1, 4]
        let constant: [Float] = [0, 0.75, 0, 0, -2.5, 0]
        var mean = [Double](repeating: 0, count: 6)
        for channel in removed { mean[channel] = Double(constant[channel]) }
        let compensated = BiasCompensation.bias(weight: weight, outFeatures: 4, bias: bias, mean: mean, removed: removed)
        for token in 0..<5 {
            var x = PruneTestSupport.values(6, seed: UInt64(10 + token))
            for channel in removed { x[channel] = constant[channel] }
            for row in 0..<4 {
                let original = (0..<6).reduce(bias[row]) { $0 + weight[row * 6 + $1] * x[$1] }
                let pruned = (0..<6).filter { !removed.contains($0) }.reduce(compensated[row]) { $0 + weight[row * 6 + $1] * x[$1] }
                #expect(abs(original - pruned) < 1e-5, "row \(row): \(original) vs \(pruned)")
            }
        }
    }
}
