import Foundation
import Models
import NN
import Prune
import Tensor
import Testing
import TestFixtures

@Suite struct ReconstructionTests {
    /// The PyTorch/float64 reference of scripts/reference/make_prune_reconstruction.py.
    struct Reference: Decodable {
        struct Case: Decodable {
            var removed: [Int]
            var rows: Int
            var weight: [Float]
            var bias: [Float]
        }
        var ids: [Int]
        var window: Int
        var root: String
        var sparsity: Double
        var damping: Double
        var batch: Int
        var greedy: Case
        var everyFourth: Case

        enum CodingKeys: String, CodingKey {
            case ids, window, root, sparsity, damping, batch, greedy
            case everyFourth = "every_fourth"
        }
    }

    let reference: Reference = {
        let url = Bundle.module.url(forResource: "llama_reconstruction", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    /// The tiny llama, its pruner and the root's calibration statistics (with second moments).
    func calibrated() throws -> (pruner: Pruner, statistics: [String: ChannelStatistics]) {
        let pruner = try Pruner(model: try Checkpoint(directory: Fixtures.model("llama")).loadModel())
        let windows = try TokenWindows(ids: reference.ids, length: reference.window, stride: reference.window, samples: nil, source: "reference")
        return (pruner, try pruner.calibrate(try windows.batches(), secondMoments: true))
    }

    func linear(_ path: String, in pruner: Pruner) throws -> Linear {
        try #require(pruner.model.namedModules().first { $0.path == path }?.module as? Linear)
    }

    /// Checks the reconstructed weight's first rows and the bias against `expected`.
    func expectMatches(weight: [Float], bias: [Float], _ expected: Reference.Case) {
        let rows = Array(weight.prefix(expected.weight.count))
        let scale = expected.weight.reduce(0) { max($0, abs($1)) }
        let weightDifference = PruneTestSupport.maxAbsDiff(rows, expected.weight)
        let biasDifference = PruneTestSupport.maxAbsDiff(bias, expected.bias)
        #expect(weightDifference <= 1e-4 * scale, "weight max abs diff \(weightDifference) (largest value \(scale))")
        #expect(biasDifference <= 1e-4 * max(expected.bias.reduce(0) { max($0, abs($1)) }, 1e-3), "bias max abs diff \(biasDifference)")
    }

    @Test func defaultsAreTheReferences() {
        #expect(reference.damping == ChannelReconstruction.defaultDamping)
        #expect(reference.batch == SurgeonSelection.defaultBatch)
    }

    @Test func reconstructionOfAGivenChannelSetMatchesPyTorch() throws {
        let (pruner, statistics) = try calibrated()
        let root = try linear(reference.root, in: pruner)
        let inputs = try #require(statistics[reference.root])
        let covariance = try #require(inputs.covariance)
        let result = try #require(ChannelReconstruction.reconstruct(
            weight: try root.weight.tensor.floats(), outFeatures: root.outFeatures, bias: nil, mean: inputs.mean,
            covariance: covariance, removed: reference.everyFourth.removed))
        expectMatches(weight: result.weight, bias: result.bias, reference.everyFourth)
        #expect(reference.everyFourth.removed.allSatisfy { channel in (0..<root.outFeatures).allSatisfy { result.weight[$0 * root.inFeatures + channel] == 0 } })
    }

    @Test func greedyChoiceAndPrunedRootMatchPyTorch() throws {
        let (pruner, calibratedStatistics) = try calibrated()
        var statistics = calibratedStatistics
        let plans = try pruner.plan(PruneOptions(ffnSparsity: reference.sparsity, method: .obs), statistics: statistics)
        let plan = try #require(plans.first { $0.root == reference.root })
        #expect(plan.removed == reference.greedy.removed)
        let added = try pruner.apply(plans, statistics: &statistics, compensate: true, reconstruct: true)
        let biasTensor = try #require(added.first { $0.name == reference.root + ".bias" }?.tensor)
        let bias = try biasTensor.floats()
        expectMatches(weight: try linear(reference.root, in: pruner).weight.tensor.floats(), bias: bias, reference.greedy)
    }

    /// `E‖W x + b − W' x − b'‖²` over `tokens` (row-major, `inFeatures` each).
    func outputError(_ tokens: [Float], weight: [Float], bias: [Float], pruned: [Float], prunedBias: [Float], outFeatures: Int) -> Double {
        let inFeatures = weight.count / outFeatures
        var total = 0.0
        for token in 0..<(tokens.count / inFeatures) {
            for row in 0..<outFeatures {
                var difference = Double(bias[row] - prunedBias[row])
                for column in 0..<inFeatures {
                    difference += Double(weight[row * inFeatures + column] - pruned[row * inFeatures + column]) * Double(tokens[token * inFeatures + column])
                }
                total += difference * difference
            }
        }
        return total
    }

    @Test(arguments: [[0], [1, 4, 7], [0, 2, 3, 5, 8, 10], Array(0..<11)])
    func reconstructionNeverRaisesTheCalibrationErrorOfBiasCompensation(removed: [Int]) throws {
        // Correlated inputs with a non-zero mean: x = A z + m over 300 tokens of 12 channels
        // spanning 4 latent dimensions, so 4 kept channels predict the others.
        let channels = 12, latentSize = 4, outFeatures = 5, count = 300
        let mixing = PruneTestSupport.values(channels * latentSize, seed: 21)
        let offsets = PruneTestSupport.values(channels, seed: 22)
        let latent = PruneTestSupport.values(count * latentSize, seed: 23)
        var tokens = [Float](repeating: 0, count: count * channels)
        for token in 0..<count {
            for channel in 0..<channels {
                tokens[token * channels + channel] = offsets[channel] + (0..<latentSize).reduce(Float(0)) {
                    $0 + mixing[channel * latentSize + $1] * latent[token * latentSize + $1]
                }
            }
        }
        var statistics = ChannelStatistics(channels: channels, secondMoments: true)
        tokens.withUnsafeBufferPointer { statistics.add($0, rows: count) }
        let weight = PruneTestSupport.values(outFeatures * channels, seed: 24)
        let bias = PruneTestSupport.values(outFeatures, seed: 25)

        var zeroed = weight
        for row in 0..<outFeatures { for channel in removed { zeroed[row * channels + channel] = 0 } }
        let compensated = BiasCompensation.bias(weight: weight, outFeatures: outFeatures, bias: bias, mean: statistics.mean, removed: removed)
        let covariance = try #require(statistics.covariance)
        let reconstructed = try #require(ChannelReconstruction.reconstruct(
            weight: weight, outFeatures: outFeatures, bias: bias, mean: statistics.mean, covariance: covariance, removed: removed))
        let biasOnly = outputError(tokens, weight: weight, bias: bias, pruned: zeroed, prunedBias: compensated, outFeatures: outFeatures)
        let leastSquares = outputError(tokens, weight: weight, bias: bias, pruned: reconstructed.weight, prunedBias: reconstructed.bias, outFeatures: outFeatures)
        #expect(leastSquares <= biasOnly * (1 + 1e-5) + 1e-9, "reconstruction error \(leastSquares) above bias compensation's \(biasOnly)")
        if channels - removed.count >= latentSize {
            #expect(leastSquares < biasOnly * 0.5, "predictable inputs: reconstruction should recover most of \(biasOnly), got \(leastSquares)")
        }
    }
}
