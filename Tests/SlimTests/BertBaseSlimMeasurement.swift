import Formats
import Foundation
import Models
import Slim
import SlimtraceCLI
import Tensor
import Testing

/// Not a timed unit test: a measurement printed when `SLIMTRACE_MEASURE=1`. A BERT-base-sized
/// classifier (12 layers, hidden 768, 12 heads, intermediate 3072) with random weights, half its
/// feed-forward channels and half its heads zeroed, timed on 128 tokens before and after the slim
/// (median of several forwards), with the parameter count ratio.
///
///     SLIMTRACE_MEASURE=1 swift test -c release -Xswiftc -enable-testing --filter BertBaseSlimMeasurement
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SLIMTRACE_MEASURE"] != nil))
struct BertBaseSlimMeasurement {
    /// SplitMix64, for reproducible weights.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }
        /// Normal(0, std) by Box–Muller.
        mutating func normal(std: Float) -> Float {
            let u = max(uniform(), 1e-7), v = uniform()
            return std * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
    }

    static func median(_ seconds: [Double]) -> Double { seconds.sorted()[seconds.count / 2] }

    static func time(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()  // warm-up
        var seconds: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return median(seconds)
    }

    @Test func bertBaseWithHalfItsChannelsAndHeadsZeroedBeforeAndAfterSlim() throws {
        let (layers, hidden, heads, intermediate, tokens) = (12, 768, 12, 3072, 128)
        let config = """
        {"model_type": "bert", "architectures": ["BertForSequenceClassification"], "vocab_size": 30522,
         "hidden_size": \(hidden), "num_hidden_layers": \(layers), "num_attention_heads": \(heads),
         "intermediate_size": \(intermediate), "max_position_embeddings": 512, "num_labels": 2}
        """
        let file = try ConfigFile(data: Data(config.utf8), url: URL(fileURLWithPath: "/tmp/bert-base/config.json"))
        let model = try Architectures.build(config: file, parameterNames: [])
        var random = Random(state: 0)
        let headSize = hidden / heads
        let zeroHeads = Set(stride(from: 1, to: heads, by: 2))
        for (name, parameter) in model.namedParameters() {
            let shape = parameter.shape
            var values = name.hasSuffix("LayerNorm.weight")
                ? Array(repeating: 1, count: shape.reduce(1, *))
                : (0..<shape.reduce(1, *)).map { _ in random.normal(std: 0.02) }
            let columns = shape.count == 2 ? shape[1] : 1
            if name.hasSuffix("output.dense.weight") && !name.contains("attention") {
                for row in 0..<shape[0] { for column in stride(from: 1, to: columns, by: 2) { values[row * columns + column] = 0 } }
            }
            if ["query.weight", "key.weight", "value.weight"].contains(where: name.hasSuffix) {
                for row in 0..<shape[0] where zeroHeads.contains(row / headSize) {
                    for column in 0..<columns { values[row * columns + column] = 0 }
                }
            }
            if name.hasSuffix("attention.output.dense.weight") {
                for row in 0..<shape[0] { for column in 0..<columns where zeroHeads.contains(column / headSize) { values[row * columns + column] = 0 } }
            }
            parameter.tensor = try Tensor(values, shape: shape)
        }
        let ids = try Tensor(integers: (0..<tokens).map { ($0 * 7919 + 101) % 30522 }, shape: [1, tokens])
        let inputs = ModelInputs([("input_ids", ids)])

        func parameterCount() -> Int {
            var seen = Set<ObjectIdentifier>()
            return model.namedParameters().filter { seen.insert(ObjectIdentifier($0.parameter)).inserted }
                .reduce(0) { $0 + $1.parameter.tensor.elementCount }
        }
        let runs = 7
        let parametersBefore = parameterCount()
        let before = try Self.time(runs) { _ = try model.forward(inputs) }
        let slimStart = DispatchTime.now().uptimeNanoseconds
        let report = try ModelSlimmer(options: SlimOptions(inputs: inputs)).slim(model)
        let slimSeconds = Double(DispatchTime.now().uptimeNanoseconds - slimStart) / 1e9
        let after = try Self.time(runs) { _ = try model.forward(inputs) }
        let parametersAfter = parameterCount()
        print(report.table(showTensors: false))
        print(String(format: "BERT-base, random weights, 1x%d tokens, %d cores: forward median of %d: before %.1f ms, after %.1f ms (%.2fx); parameters %d -> %d (ratio %.3f); slim took %.2f s; max abs diff %g",
                     tokens, ProcessInfo.processInfo.activeProcessorCount, runs, before * 1000, after * 1000, before / after,
                     parametersBefore, parametersAfter, Double(parametersAfter) / Double(parametersBefore), slimSeconds, Double(report.maxAbsDiff)))
        #expect(report.changes.count == 2 * layers)
    }
}
