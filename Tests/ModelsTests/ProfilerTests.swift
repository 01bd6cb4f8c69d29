import Formats
import Models
import NN
import Profiler
import Tensor
import Testing
import TestFixtures
import Tracer

/// The profiler on real fixture checkpoints: it sees the ops the tracer sees, counts FLOPs from
/// the modules' weight shapes, attributes every op to its module, and changes no output. No timing
/// is asserted (machines are noisy), only that times are accounted for.
@Suite struct ProfilerTests {
    static let cases = Fixtures.searchCases + Fixtures.prunedCases

    /// The fixture `name` with its weights and a placeholder batch (`shape` or the model's default).
    static func load(_ name: String, shape: [Int]? = nil) throws -> (model: any TransformerModel, inputs: ModelInputs) {
        let model = try Checkpoint(directory: Fixtures.model(name)).loadModel()
        return (model, try PlaceholderInputs.make(for: model, shape: shape, dtype: nil))
    }

    /// `forwards` profiled forwards of `model` on `inputs`.
    static func profile(_ model: any TransformerModel, _ inputs: ModelInputs, forwards: Int = 2) throws -> Profiler {
        let profiler = Profiler(model: model)
        try profiler.benchmark(warmup: 0, repeat: forwards) { _ = try model.forward(inputs) }
        return profiler
    }

    static func graph(_ model: any TransformerModel, _ inputs: ModelInputs) throws -> Graph {
        try model.trace(inputs)
    }

    @Test(arguments: cases)
    func opCallsPerForwardEqualTheTracedGraphsOpCounts(_ name: String) throws {
        let (model, inputs) = try Self.load(name)
        var expected: [String: Int] = [:]
        for node in try Self.graph(model, inputs).nodes where node.isOp {
            expected[node.kind.name, default: 0] += 1
        }
        let report = try Self.profile(model, inputs).report(by: .op)
        let counted = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.name, $0.calls) })
        #expect(counted == expected.mapValues(Double.init), "\(name)")
        #expect(report.forwards == 2 && report.warmup == 0)
    }

    @Test func bertLinearFLOPsAreTwoTokensInOutSummedOverItsLinearModules() throws {
        let (batch, length) = (2, 24)
        let (model, inputs) = try Self.load("bert", shape: [batch, length])
        // Every encoder Linear sees batch·length rows; the pooler and classifier see the first token only.
        var expectedByPath: [String: Int] = [:]
        for (path, module) in model.namedModules() {
            guard let linear = module as? Linear else { continue }
            let (outFeatures, inFeatures) = (linear.weight.shape[0], linear.weight.shape[1])
            let rows = path.hasPrefix("bert.pooler") || path == "classifier" ? batch : batch * length
            expectedByPath[path] = 2 * rows * inFeatures * outFeatures
        }
        #expect(expectedByPath.count == 14)
        let profiler = try Self.profile(model, inputs)
        let byOp = profiler.report(by: .op)
        #expect(byOp.row("linear")?.flops == Double(expectedByPath.values.reduce(0, +)))
        let byModule = profiler.report(by: .module)
        for (path, flops) in expectedByPath {
            #expect(byModule.row(path)?.flops == Double(flops), "\(path)")
            #expect(byModule.row(path)?.calls == 1, "\(path)")
            #expect(byModule.row(path)?.typeName == "Linear", "\(path)")
        }

        // Attention: q·kᵀ and probabilities·v, each 2·batch·heads·length·headSize·length per layer.
        let (layers, heads, headSize) = (2, 4, 16)
        #expect(byOp.row("matmul")?.flops == Double(layers * 2 * 2 * batch * heads * length * headSize * length))
        #expect(byModule.row("bert.encoder.layer.0.attention.self")?.typeName == "BertSelfAttention")
        #expect(byModule.row("bert.encoder.layer.0.attention.self")?.flops ?? 0 >= Double(2 * 2 * batch * heads * length * headSize * length))
    }

    @Test(arguments: cases)
    func everyLinearAndConv1DRowCountsTwoRowsInOutFromItsWeight(_ name: String) throws {
        let (model, inputs) = try Self.load(name)
        let graph = try Self.graph(model, inputs)
        let report = try Self.profile(model, inputs).report(by: .module)
        for (path, module) in model.namedModules() {
            let weight: [Int]
            let (inFeatures, outFeatures): (Int, Int)
            if let linear = module as? Linear {
                weight = linear.weight.shape
                (inFeatures, outFeatures) = (weight[1], weight[0])
            } else if let conv = module as? Conv1D {
                weight = conv.weight.shape
                (inFeatures, outFeatures) = (weight[0], weight[1])
            } else { continue }
            // The rows the module saw, from the traced graph (independent of the profiler).
            guard let node = graph.nodes.first(where: { $0.op == .linear && $0.scope?.path == path }) else { continue }
            let rows = Shape.elementCount(graph.values[node.inputs[0]].shape) / inFeatures
            #expect(report.row(path)?.flops == Double(2 * rows * inFeatures * outFeatures), "\(name) \(path)")
        }
    }

    @Test func vitPatchConvolutionCountsTwoNOOutHOutWCkHkW() throws {
        let (model, inputs) = try Self.load("vit")
        let report = try Self.profile(model, inputs).report(by: .op)
        // ViT fixture: 32x32 images, 3 channels, 8x8 patches (stride 8), hidden size 64.
        let (out, side, channels, kernel) = (64, 32 / 8, 3, 8)
        #expect(report.row("conv2d")?.flops == Double(2 * 1 * out * side * side * channels * kernel * kernel))
        #expect(report.row("conv2d")?.calls == 1)
    }

    @Test(arguments: ProfileReport.Grouping.allCases)
    func sharesOfTheRowsAndTheTimeBetweenOpsSumToOne(_ grouping: ProfileReport.Grouping) throws {
        let (model, inputs) = try Self.load("bert", shape: [1, 32])
        let report = try Self.profile(model, inputs, forwards: 3).report(by: grouping)
        let total = report.rows.reduce(0) { $0 + $1.share } + report.betweenOps.share
        #expect(abs(total - 1) < 1e-9, "\(total)")
        #expect(report.rows.allSatisfy { $0.share >= 0 && $0.medianMilliseconds >= 0 })
        #expect(report.forwardMedianMilliseconds > 0)
        #expect(report.forwardMinMilliseconds <= report.forwardMedianMilliseconds
            && report.forwardMedianMilliseconds <= report.forwardMaxMilliseconds)
        // Slowest first.
        #expect(zip(report.rows, report.rows.dropFirst()).allSatisfy { $0.medianMilliseconds >= $1.medianMilliseconds })
        // Every grouping counts the same FLOPs and ops.
        let byOp = try Self.profile(model, inputs, forwards: 1).report(by: .op)
        #expect(report.rows.reduce(0) { $0 + $1.flops } == report.flops)
        #expect(report.flops == byOp.flops)
        #expect(report.rows.reduce(0) { $0 + $1.ops } == byOp.rows.reduce(0) { $0 + $1.ops })
    }

    @Test func modulesParametersAndInclusiveTimesAreReported() throws {
        let (model, inputs) = try Self.load("bert")
        let report = try Self.profile(model, inputs).report(by: .module)
        let expected = model.uniqueParameters().reduce(0) { $0 + Shape.elementCount($1.parameter.shape) }
        #expect(report.parameters == expected)
        let dense = try #require(report.row("bert.encoder.layer.0.intermediate.dense"))
        #expect(dense.parameters == 64 * 128 + 128)
        // A module's inclusive time holds its own ops' time.
        #expect(report.rows.allSatisfy { row in row.inclusiveMedianMilliseconds.map { $0 >= row.medianMilliseconds - 1e-9 } ?? false })
        #expect(report.model == "BertForSequenceClassification")
    }

    @Test func profiledOutputsEqualUnprofiledOutputsExactly() throws {
        let (model, inputs) = try Self.load("gpt2")
        let plain = try model.forward(inputs)
        let profiled = try Profiler(model: model).profile { try model.forward(inputs) }
        #expect(profiled.shape == plain.shape)
        #expect(try profiled.floats() == plain.floats())
    }
}
