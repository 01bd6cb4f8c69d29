import Formats
import Foundation
import Models
import NN
import Tensor
import Tracer

/// One model with random weights and fixed inputs, ready to run forward repeatedly (untraced, as an
/// application would, or under the `Tracer`, as slimtrace's searchers do), with the FLOPs of one
/// forward counted from the shapes of its traced graph.
public final class ModelForward: @unchecked Sendable {
    /// Short name (`bert-base`).
    public let name: String
    /// Input shape, as printed in the tables (`1x128`).
    public let shape: String
    public let model: any TransformerModel
    public let inputs: ModelInputs
    /// FLOPs of one forward's linears: `2 · output elements · in features` each.
    public let linearFlops: Double
    /// FLOPs of one forward's matmuls (attention scores and context): `2 · output elements · K` each.
    public let matmulFlops: Double
    /// Ops one forward records (the traced graph's op nodes).
    public let opCount: Int

    /// All counted FLOPs of one forward (linears + matmuls; elementwise ops are not counted).
    public var flops: Double { linearFlops + matmulFlops }

    /// Builds the model `configJSON` describes through the architecture registry (as a checkpoint
    /// would be built), gives every parameter random f32 values, and traces one forward to count
    /// its FLOPs.
    public init(name: String, configJSON: String, inputs: ModelInputs) throws {
        self.name = name
        let config = try ConfigFile(data: Data(configJSON.utf8), url: URL(fileURLWithPath: "\(name)/config.json"))
        model = try Architectures.build(config: config, parameterNames: [])
        for (index, (names, parameter)) in model.uniqueParameters().enumerated() {
            parameter.tensor = ModelForward.randomWeight(shape: parameter.shape, name: names[0], seed: UInt64(index + 100))
        }
        self.inputs = inputs
        shape = inputs.entries.first.map { $0.tensor.shape.map(String.init).joined(separator: "x") } ?? ""
        var linear = 0.0, matmul = 0.0, ops = 0
        let graph = try model.trace(inputs)
        for node in graph.nodes where node.isOp {
            ops += 1
            guard node.op == .linear || node.op == .matmul, let output = node.outputs.first, let input = node.inputs.first else { continue }
            let reduced = Double(graph.values[input].shape.last ?? 0)
            let flops = 2 * Double(graph.values[output].shape.reduce(1, *)) * reduced
            if node.op == .linear { linear += flops } else { matmul += flops }
        }
        (linearFlops, matmulFlops, opCount) = (linear, matmul, ops)
    }

    /// One untraced forward.
    public func forward() throws -> Tensor {
        try model.forward(inputs)
    }

    /// One forward under a fresh `Tracer`; returns the graph.
    public func tracedForward() throws -> Graph {
        try model.trace(inputs)
    }

    /// Uniform random values with a scale that keeps activations near unit size: matrices
    /// `±1/√(columns)`, LayerNorm weights `1 ± 0.1`, other vectors (biases) `±0.02`.
    static func randomWeight(shape: [Int], name: String, seed: UInt64) -> Tensor {
        let (scale, offset): (Float, Float) = switch shape.count {
        case 1: name.hasSuffix("LayerNorm.weight") || name.hasSuffix("layer_norm.weight") || name.hasSuffix("ln.weight") ? (0.1, 1) : (0.02, 0)
        default: (1 / Float(shape.last ?? 1).squareRoot(), 0)
        }
        var tensor = Tensor.zeros(shape: shape)
        try! tensor.withUnsafeMutableFloats { values in fillPseudoRandom(values, seed: seed, scale: scale, offset: offset) }
        return tensor
    }
}

extension ModelForward {
    /// BERT-base (`bert-base-uncased` sizes: 12 layers, hidden 768, 12 heads, intermediate 3072,
    /// vocabulary 30522), `BertModel` with its pooler, on one sequence of 128 random token ids.
    public static func bertBase(sequenceLength: Int = 128) throws -> ModelForward {
        let config = """
        {
          "architectures": ["BertModel"],
          "model_type": "bert",
          "vocab_size": 30522,
          "hidden_size": 768,
          "num_hidden_layers": 12,
          "num_attention_heads": 12,
          "intermediate_size": 3072,
          "hidden_act": "gelu",
          "max_position_embeddings": 512,
          "type_vocab_size": 2,
          "layer_norm_eps": 1e-12
        }
        """
        var state: UInt64 = 42
        let ids = (0..<sequenceLength).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % 30522
        }
        let inputIds = try Tensor(integers: ids, shape: [1, sequenceLength])
        return try ModelForward(name: "bert-base", configJSON: config, inputs: ModelInputs([("input_ids", inputIds)]))
    }
}

/// Fills `values` with `offset + scale · u`, u uniform in [-1, 1) from a 64-bit LCG (as `pseudoRandomFloats`).
func fillPseudoRandom(_ values: UnsafeMutableBufferPointer<Float>, seed: UInt64, scale: Float, offset: Float) {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    for index in values.indices {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        values[index] = offset + scale * (Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52))
    }
}
