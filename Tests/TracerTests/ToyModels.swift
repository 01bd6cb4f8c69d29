import Foundation
import NN
import Tensor

/// Deterministic, non-trivial values for a tensor of `shape`.
func ramp(_ shape: [Int], seed: Float) throws -> Tensor {
    let count = shape.reduce(1, *)
    return try Tensor((0..<count).map { sin(Float($0) * 0.37 + seed) * 0.5 }, shape: shape)
}

/// Replaces every parameter of `model` with real data (`ramp`), in `namedParameters()` order.
func loadRealWeights(_ model: Module) throws {
    for (index, (_, parameter)) in model.namedParameters().enumerated() {
        parameter.tensor = try ramp(parameter.shape, seed: Float(index))
    }
}

/// Linear → GELU → Linear → Dropout, residual add, LayerNorm: a transformer feed-forward block.
final class ToyBlock: Module {
    let fc1: Linear
    let act: Activation
    let fc2: Linear
    let dropout: Dropout
    let norm: LayerNorm

    init(hidden: Int, inner: Int) {
        fc1 = Linear(inFeatures: hidden, outFeatures: inner)
        act = Activation(.gelu, typeName: "GELUActivation")
        fc2 = Linear(inFeatures: inner, outFeatures: hidden)
        dropout = Dropout(probability: 0.1)
        norm = LayerNorm(dimension: hidden, eps: 1e-5)
        super.init(typeName: "ToyBlock")
        register("fc1", fc1)
        register("act", act)
        register("fc2", fc2)
        register("dropout", dropout)
        register("norm", norm)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let h = try dropout(fc2(act(fc1(x))))
            return try norm(h + x)
        }
    }
}

/// Two `ToyBlock`s in a ModuleList, then a classifier `head`.
final class ToyMLP: Module {
    static let hidden = 4
    let layers: ModuleList<ToyBlock>
    let head: Linear

    init() {
        layers = ModuleList([ToyBlock(hidden: Self.hidden, inner: 8), ToyBlock(hidden: Self.hidden, inner: 8)])
        head = Linear(inFeatures: Self.hidden, outFeatures: 2)
        super.init(typeName: "ToyMLP")
        register("layers", layers)
        register("head", head)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            var h = x
            for layer in layers.items { h = try layer(h) }
            return try head(h)
        }
    }
}

/// Embedding → Linear → GELU → Linear (no bias), then a constant add and a scalar multiply in the
/// root module: small enough for a golden IR text.
final class TwoLayer: Module {
    let embed = Embedding(count: 10, dimension: 4)
    let fc1 = Linear(inFeatures: 4, outFeatures: 8)
    let act = Activation(.gelu, typeName: "GELUActivation")
    let fc2 = Linear(inFeatures: 8, outFeatures: 4, bias: false)

    init() {
        super.init(typeName: "TwoLayer")
        register("embed", embed)
        register("fc1", fc1)
        register("act", act)
        register("fc2", fc2)
    }

    func callAsFunction(_ ids: Tensor) throws -> Tensor {
        try scoped {
            let h = try fc2(act(fc1(embed(ids))))
            return try (h + Tensor.full(shape: [4], value: 1)) * 0.5
        }
    }
}

struct ToyError: Error, Equatable {}

/// A module that runs one op and then throws, while `fails` is true.
final class Faulty: Module {
    var fails = true

    init() { super.init(typeName: "Faulty") }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let y = try x.relu()
            if fails { throw ToyError() }
            return y
        }
    }
}

/// Linear, then a `Faulty` module, then a Linear.
final class FaultyModel: Module {
    let fc1 = Linear(inFeatures: 4, outFeatures: 4)
    let faulty = Faulty()
    let fc2 = Linear(inFeatures: 4, outFeatures: 4)

    init() {
        super.init(typeName: "FaultyModel")
        register("fc1", fc1)
        register("faulty", faulty)
        register("fc2", fc2)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try fc2(faulty(fc1(x))) }
    }
}

/// An output projection tied to an embedding table (`lm_head.weight` is
/// `embed.weight`, as in GPT-2): one parameter registered under two modules.
final class TiedHead: Module {
    let weight: Parameter

    init(tiedTo weight: Parameter) {
        self.weight = weight
        super.init(typeName: "TiedHead")
        register(parameter: "weight", weight)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try x.linear(weight: value(weight)) }
    }
}

final class TiedModel: Module {
    let embed = Embedding(count: 10, dimension: 4)
    let lmHead: TiedHead

    init() {
        lmHead = TiedHead(tiedTo: embed.weight)
        super.init(typeName: "TiedModel")
        register("embed", embed)
        register("lm_head", lmHead)
    }

    func callAsFunction(_ ids: Tensor) throws -> Tensor {
        try scoped { try lmHead(embed(ids)) }
    }
}

/// Calls a Linear it never registered.
final class Unregistered: Module {
    let hidden = Linear(inFeatures: 4, outFeatures: 4)

    init() { super.init(typeName: "Unregistered") }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try hidden(x) }
    }
}
