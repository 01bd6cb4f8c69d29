import NN
import Tensor

// Routed experts, shared by Mixtral, Qwen2-MoE and Qwen3-MoE: a router picks the top-k experts of
// each token, and the experts' gated MLPs are stored as two 3-D parameters (transformers 5's
// `gate_up_proj` `[experts, 2·intermediate, hidden]` and `down_proj` `[experts, hidden, intermediate]`).
// Checkpoints keep the classic per-expert 2-D tensors; `ExpertTensorNames` says how a family names them.

/// The routed-experts keys of `config.json`, with each family's Hugging Face defaults (Mixtral
/// names the expert count `num_local_experts` and the expert width `intermediate_size`; Qwen-MoE
/// `num_experts` and `moe_intermediate_size`; a saved Qwen3-MoE config says `num_local_experts`).
public struct ExpertsConfiguration: Codable, Sendable {
    /// `num_local_experts` / `num_experts`.
    public var expertCount: Int
    /// `num_experts_per_tok`: the experts each token is routed to (top-k).
    public var expertsPerToken: Int
    /// Each expert's intermediate width: `moe_intermediate_size` (Qwen-MoE), `intermediate_size` (Mixtral).
    public var expertIntermediateSize: Int
    /// `shared_expert_intermediate_size` (Qwen2-MoE's gated shared expert; nil: none).
    public var sharedExpertIntermediateSize: Int?
    /// `norm_topk_prob`: the top-k probabilities are divided by their sum (always for Mixtral).
    public var normalizeTopKProbabilities: Bool
    /// `decoder_sparse_step`: layer `i` is routed when `(i + 1)` is a multiple of it.
    public var sparseStep: Int
    /// `mlp_only_layers`: layers with a dense MLP of `intermediate_size` instead.
    public var denseLayers: [Int]

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case localExperts = "num_local_experts"
        case experts = "num_experts"
        case expertsPerToken = "num_experts_per_tok"
        case moeIntermediateSize = "moe_intermediate_size"
        case intermediateSize = "intermediate_size"
        case sharedExpertIntermediateSize = "shared_expert_intermediate_size"
        case normalizeTopKProbabilities = "norm_topk_prob"
        case sparseStep = "decoder_sparse_step"
        case denseLayers = "mlp_only_layers"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let variant = try container.decode(LlamaVariant.self, forKey: .modelType)
        let defaults = variant.expertDefaults ?? Mixtral.expertDefaults
        let localExperts = try container.decodeIfPresent(Int.self, forKey: .localExperts)
        expertCount = try localExperts ?? container.decodeIfPresent(Int.self, forKey: .experts) ?? defaults.expertCount
        expertsPerToken = try container.decodeIfPresent(Int.self, forKey: .expertsPerToken) ?? defaults.expertsPerToken
        let widthKey: CodingKeys = variant == .mixtral ? .intermediateSize : .moeIntermediateSize
        expertIntermediateSize = try container.decodeIfPresent(Int.self, forKey: widthKey) ?? defaults.expertIntermediateSize
        let sharedWidth = try container.decodeIfPresent(Int.self, forKey: .sharedExpertIntermediateSize)
        sharedExpertIntermediateSize = defaults.sharedExpertIntermediateSize.map { sharedWidth ?? $0 }
        let normalize = try container.decodeIfPresent(Bool.self, forKey: .normalizeTopKProbabilities)
        normalizeTopKProbabilities = variant == .mixtral || normalize == true
        sparseStep = try container.decodeIfPresent(Int.self, forKey: .sparseStep) ?? 1
        denseLayers = try container.decodeIfPresent([Int].self, forKey: .denseLayers) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(expertCount, forKey: .experts)
        try container.encode(expertsPerToken, forKey: .expertsPerToken)
        try container.encode(expertIntermediateSize, forKey: .moeIntermediateSize)
        try container.encodeIfPresent(sharedExpertIntermediateSize, forKey: .sharedExpertIntermediateSize)
        try container.encode(normalizeTopKProbabilities, forKey: .normalizeTopKProbabilities)
        try container.encode(sparseStep, forKey: .sparseStep)
        try container.encode(denseLayers, forKey: .denseLayers)
    }

    /// Checks the sizes, naming the key at fault.
    func check(in file: ConfigFile) throws {
        try file.requirePositive(["num_experts": expertCount, "num_experts_per_tok": expertsPerToken,
                                  "moe_intermediate_size": expertIntermediateSize, "decoder_sparse_step": sparseStep])
        try file.require(expertsPerToken <= expertCount, "num_experts_per_tok", "(\(expertsPerToken)) must not exceed the \(expertCount) experts")
        if let sharedExpertIntermediateSize {
            try file.requirePositive(["shared_expert_intermediate_size": sharedExpertIntermediateSize])
        }
    }

    /// Whether layer `index` routes its tokens to experts (Hugging Face's
    /// `layer_idx not in mlp_only_layers and (layer_idx + 1) % decoder_sparse_step == 0`).
    func isRouted(layer index: Int) -> Bool {
        !denseLayers.contains(index) && (index + 1) % sparseStep == 0
    }
}

/// A family's defaults for the keys `ExpertsConfiguration` reads when `config.json` omits them.
public struct ExpertDefaults: Sendable {
    let expertCount: Int
    let expertsPerToken: Int
    let expertIntermediateSize: Int
    let sharedExpertIntermediateSize: Int?
}

/// How a family's checkpoints name the per-expert tensors that transformers 5 fuses into
/// `gate_up_proj` and `down_proj` when it loads them (its conversion mapping, read backwards):
/// `<layer>.<block>.experts.<e>.<gate>.weight`, and the same for `up` and `down`.
public struct ExpertTensorNames: Sendable {
    /// The names the block has in checkpoints: Mixtral's `block_sparse_moe` (older) and `mlp`.
    let blocks: [String]
    let gate: String
    let up: String
    let down: String
}

/// The router (`MixtralTopKRouter`, `Qwen2MoeTopKRouter`, `Qwen3MoeTopKRouter`): `softmax` over
/// the experts of `x·Wᵀ`, the top-k probabilities and their experts, the probabilities divided by
/// their sum when `norm_topk_prob` (Mixtral always).
final class TopKRouter: Module, StoredUnderOtherNames {
    @ParameterInfo(key: "weight") var weight: Parameter
    let topK: Int
    let normalize: Bool
    let names: ExpertTensorNames

    init(_ spec: RotaryDecoderSpec, experts: ExpertsConfiguration, names: ExpertTensorNames) {
        topK = experts.expertsPerToken
        normalize = experts.normalizeTopKProbabilities
        self.names = names
        super.init(typeName: spec.typeName("TopKRouter"))
        weight = Parameter(shape: [experts.expertCount, spec.hiddenSize])
    }

    /// Routing weights and experts, both `[tokens, k]`, for `x` `[tokens, hidden]`.
    func callAsFunction(_ x: Tensor) throws -> (weights: Tensor, experts: Tensor) {
        try scoped {
            let probabilities = try x.linear(weight: value(weight)).softmax()
            let (top, experts) = try probabilities.topk(topK)
            return (normalize ? try top / top.sum(axis: -1, keepDim: true) : top, experts)
        }
    }

    func storedForms(path: String) -> [(Parameter, StoredParameter)] {
        ExpertTensorNames.blockPaths(of: path, names: names).map { (weight, .renamed($0 + ".gate.weight")) }
    }
}

/// The experts (`MixtralExperts`, `Qwen2MoeExperts`, `Qwen3MoeExperts`): every expert's gated MLP
/// in two 3-D parameters. For each token and each of its k experts:
/// `down_proj[e] · (act(gate) · up)` with `gate, up = chunk(gate_up_proj[e] · x, 2)`, times the
/// routing weight; the k results are summed (for k = 2 exactly Hugging Face's `index_add_` in
/// expert order; for larger k the additions come in routing order, within a rounding error).
final class RoutedExperts: Module, StoredUnderOtherNames {
    @ParameterInfo(key: "gate_up_proj") var gateUpProj: Parameter
    @ParameterInfo(key: "down_proj") var downProj: Parameter
    @ModuleInfo(key: "act_fn") var actFn: Activation
    let names: ExpertTensorNames

    init(_ spec: RotaryDecoderSpec, experts: ExpertsConfiguration, names: ExpertTensorNames) {
        self.names = names
        super.init(typeName: spec.typeName("Experts"))
        let (count, width) = (experts.expertCount, experts.expertIntermediateSize)
        gateUpProj = Parameter(shape: [count, 2 * width, spec.hiddenSize])
        downProj = Parameter(shape: [count, spec.hiddenSize, width])
        actFn = Activation(spec.activation)
    }

    /// `x` `[tokens, hidden]`, `experts` and `weights` `[tokens, k]` from the router.
    func callAsFunction(_ x: Tensor, experts: Tensor, weights: Tensor) throws -> Tensor {
        try scoped {
            let halves = try x.routedLinear(weight: value(gateUpProj), experts: experts).chunk(2, axis: -1)
            let hidden = try actFn(halves[0]) * halves[1]
            let down = try hidden.routedLinear(weight: value(downProj), experts: experts)
            return try (down * weights.unsqueeze(-1)).sum(axis: 1)
        }
    }

    func storedForms(path: String) -> [(Parameter, StoredParameter)] {
        let count = gateUpProj.shape[0]
        return ExpertTensorNames.blockPaths(of: path, names: names).flatMap { block -> [(Parameter, StoredParameter)] in
            let expert = { (e: Int, part: String) in "\(block).experts.\(e).\(part).weight" }
            return [(gateUpProj, .experts((0..<count).map { [expert($0, names.gate), expert($0, names.up)] })),
                    (downProj, .experts((0..<count).map { [expert($0, names.down)] }))]
        }
    }
}

extension ExpertTensorNames {
    /// The checkpoint paths of the block that holds the module at `path` (`….mlp.experts` or
    /// `….mlp.gate`), one per name the family's checkpoints give the block.
    static func blockPaths(of path: String, names: ExpertTensorNames) -> [String] {
        var parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return [] }
        parts.removeLast(2)
        return names.blocks.map { (parts + [$0]).joined(separator: ".") }
    }
}

/// The sparse MoE block (`MixtralSparseMoeBlock`, `Qwen2MoeSparseMoeBlock`, `Qwen3MoeSparseMoeBlock`):
/// the router, the experts and, for Qwen2-MoE, a shared expert (`Qwen2MoeMLP`) whose output is
/// scaled by `sigmoid(shared_expert_gate(x))` and added. Children in Hugging Face's order
/// (`expertsBeforeRouter`: Qwen3-MoE declares the experts before the router).
final class SparseMoeBlock: Module, DecoderFeedForward {
    @ModuleInfo(key: "gate") var gate: TopKRouter
    @ModuleInfo(key: "experts") var experts: RoutedExperts
    @ModuleInfo(key: "shared_expert") var sharedExpert: GatedMLP?
    @ModuleInfo(key: "shared_expert_gate") var sharedExpertGate: Linear?

    init(_ spec: RotaryDecoderSpec, experts settings: ExpertsConfiguration, names: ExpertTensorNames, expertsBeforeRouter: Bool) {
        super.init(typeName: spec.typeName("SparseMoeBlock"))
        let router = TopKRouter(spec, experts: settings, names: names)
        let routed = RoutedExperts(spec, experts: settings, names: names)
        if expertsBeforeRouter {
            experts = routed
            gate = router
        } else {
            gate = router
            experts = routed
        }
        sharedExpert = settings.sharedExpertIntermediateSize.map { GatedMLP(spec, intermediateSize: $0) }
        sharedExpertGate = settings.sharedExpertIntermediateSize.map { _ in Linear(inFeatures: spec.hiddenSize, outFeatures: 1, bias: false) }
    }

    /// `x` `[batch, length, hidden]`; the shared expert runs first, as in Hugging Face's forward.
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let tokens = try x.reshape([-1, x.shape[x.rank - 1]])
            let shared = try sharedExpert.map { try $0(tokens) }
            let (weights, chosen) = try gate(tokens)
            var output = try experts(tokens, experts: chosen, weights: weights)
            if let shared, let sharedExpertGate {
                output = try output + sharedExpertGate(tokens).sigmoid() * shared
            }
            return try output.reshape(x.shape)
        }
    }
}
