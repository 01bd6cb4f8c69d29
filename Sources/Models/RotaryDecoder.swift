import NN
import Tensor

/// What the rotary decoder families (LLaMA, Mistral, Qwen2, Qwen3, Gemma 2, Gemma 3, OLMo 2, and
/// the routed-experts Mixtral, Qwen2-MoE, Qwen3-MoE) share: token embedding, decoder layers of
/// grouped-query rotary attention and a feed-forward module (a gated MLP, or a sparse MoE block), a
/// final RMS norm, the rotary embedding and the language-model head. Each family's config resolves to a
/// `RotaryDecoderSpec` saying where it differs; the modules below build and run it.
struct RotaryDecoderSpec {
    /// Where the RMS norms of a layer sit.
    enum NormPlacement {
        /// `input_layernorm` before attention, `post_attention_layernorm` before the MLP (LLaMA, Qwen).
        case preNorm
        /// `post_attention_layernorm` after attention, `post_feedforward_layernorm` after the MLP (OLMo 2).
        case postNorm
        /// Both: input, post-attention, pre- and post-feed-forward norms (Gemma 2 and 3).
        case sandwich
    }

    /// Where the q/k norms (`q_norm`, `k_norm`) normalise.
    enum QueryKeyNorm {
        /// Each head over `head_dim` (Qwen3, Gemma 3): one weight of `head_dim`, shared by the heads.
        case perHead
        /// The whole q or k projection output, all heads together (OLMo 2).
        case acrossHeads
    }

    /// The Hugging Face class names: `prefix + "Attention"`, ...; the base model's is `baseModelName`.
    var classPrefix: String
    /// The base model's class (`LlamaModel`, `Gemma3TextModel`).
    var baseModelName: String
    /// The embedding's class (`Embedding`, `Gemma2TextScaledWordEmbedding`).
    var embeddingName = "Embedding"
    /// What the embedding rows are multiplied by (Gemma: `sqrt(hidden_size)` in the checkpoint dtype).
    var embeddingScale: Float?
    var vocabularySize: Int
    var hiddenSize: Int
    var intermediateSize: Int
    var headCount: Int
    var keyValueHeadCount: Int
    var headSize: Int
    var activation: ActivationName
    var rmsNormEps: Double
    /// 1 for Gemma's `x · (1 + weight)` norms, else 0.
    var normWeightOffset: Float = 0
    var normPlacement = NormPlacement.preNorm
    var queryKeyNorm: QueryKeyNorm?
    var queryKeyValueBias = false
    var outputProjectionBias = false
    var mlpBias = false
    /// The factor on the attention scores (`head_dim^-0.5`; Gemma: `query_pre_attn_scalar^-0.5`).
    var attentionScaling: Double
    /// Gemma 2's `attn_logit_softcapping`: scores become `cap · tanh(scores / cap)`.
    var attentionSoftcap: Double?
    /// Gemma's `final_logit_softcapping`, on the logits.
    var finalLogitSoftcap: Double?
    var tieWordEmbeddings: Bool
    /// The rotary frequencies the layers use (one set; Gemma 3: one per layer type).
    var rotaryFrequencies: [RotaryFrequencies]
    /// Per layer: its attention window (nil: full causal attention) and which of `rotaryFrequencies` it uses.
    var layers: [(window: Int?, rotary: Int)]
    /// The feed-forward module (`mlp`) of the layer at an index: the gated MLP, or the MoE
    /// families' sparse MoE block in their routed layers.
    var feedForward: (_ spec: RotaryDecoderSpec, _ layer: Int) -> any DecoderFeedForward = { spec, _ in GatedMLP(spec) }

    /// The Hugging Face class name of a family module (`suffix` `Attention` gives `Qwen3Attention`).
    func typeName(_ suffix: String) -> String { classPrefix + suffix }

    func norm(_ dimension: Int) -> RMSNorm {
        RMSNorm(dimension: dimension, eps: rmsNormEps, typeName: typeName("RMSNorm"), weightOffset: normWeightOffset)
    }
}

/// A decoder layer's feed-forward module (`mlp`): a dense `GatedMLP` or a routed `SparseMoeBlock`.
protocol DecoderFeedForward: Module {
    /// `x` `[batch, length, hidden]` to the same shape.
    func callAsFunction(_ x: Tensor) throws -> Tensor
}

/// The gated feed-forward block (`LlamaMLP`, `Gemma2MLP`, `Qwen2MoeMLP` as a dense layer or shared
/// expert, ...): `down(act(gate(x)) · up(x))`.
final class GatedMLP: Module, DecoderFeedForward {
    @ModuleInfo(key: "gate_proj") var gateProj: Linear
    @ModuleInfo(key: "up_proj") var upProj: Linear
    @ModuleInfo(key: "down_proj") var downProj: Linear
    @ModuleInfo(key: "act_fn") var actFn: Activation

    /// `intermediateSize`: the width (default the spec's; a Qwen2-MoE shared expert's own).
    init(_ spec: RotaryDecoderSpec, intermediateSize: Int? = nil) {
        super.init(typeName: spec.typeName("MLP"))
        let width = intermediateSize ?? spec.intermediateSize
        gateProj = Linear(inFeatures: spec.hiddenSize, outFeatures: width, bias: spec.mlpBias)
        upProj = Linear(inFeatures: spec.hiddenSize, outFeatures: width, bias: spec.mlpBias)
        downProj = Linear(inFeatures: width, outFeatures: spec.hiddenSize, bias: spec.mlpBias)
        actFn = Activation(spec.activation)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let gate = try actFn(gateProj(x))
            return try downProj(gate * upProj(x))
        }
    }
}

/// Causal self-attention with rotary positions and grouped key/value heads (`LlamaAttention`,
/// `Qwen3Attention`, `Gemma2Attention`, `Olmo2Attention`, ...), computed by `DecoderOnly.attention`,
/// with the family's q/k norms and score soft-capping. Head counts come from the projections'
/// sizes, so a checkpoint with heads removed still runs.
final class RotaryAttention: Module {
    let headSize: Int
    let scaling: Float
    let softcap: Float?
    let queryKeyNorm: RotaryDecoderSpec.QueryKeyNorm?
    @ModuleInfo(key: "q_proj") var qProj: Linear
    @ModuleInfo(key: "k_proj") var kProj: Linear
    @ModuleInfo(key: "v_proj") var vProj: Linear
    @ModuleInfo(key: "o_proj") var oProj: Linear
    @ModuleInfo(key: "q_norm") var qNorm: RMSNorm?
    @ModuleInfo(key: "k_norm") var kNorm: RMSNorm?

    init(_ spec: RotaryDecoderSpec) {
        headSize = spec.headSize
        scaling = Float(spec.attentionScaling)
        softcap = spec.attentionSoftcap.map(Float.init)
        queryKeyNorm = spec.queryKeyNorm
        super.init(typeName: spec.typeName("Attention"))
        let (queryWidth, keyValueWidth) = (spec.headCount * headSize, spec.keyValueHeadCount * headSize)
        qProj = Linear(inFeatures: spec.hiddenSize, outFeatures: queryWidth, bias: spec.queryKeyValueBias)
        kProj = Linear(inFeatures: spec.hiddenSize, outFeatures: keyValueWidth, bias: spec.queryKeyValueBias)
        vProj = Linear(inFeatures: spec.hiddenSize, outFeatures: keyValueWidth, bias: spec.queryKeyValueBias)
        oProj = Linear(inFeatures: queryWidth, outFeatures: spec.hiddenSize, bias: spec.outputProjectionBias)
        let (queryNormWidth, keyNormWidth) = spec.queryKeyNorm == .acrossHeads ? (queryWidth, keyValueWidth) : (headSize, headSize)
        qNorm = spec.queryKeyNorm.map { _ in spec.norm(queryNormWidth) }
        kNorm = spec.queryKeyNorm.map { _ in spec.norm(keyNormWidth) }
    }

    /// `x` `[batch, length, hidden]`; `window` as `DecoderOnly.attention` takes it.
    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask, window: Tensor?) throws -> Tensor {
        try scoped {
            let batch = x.shape[0], length = x.shape[1]
            /// `[batch, heads, length, head_dim]`, normalised by `norm` where the family does.
            func heads(_ projected: Tensor, norm: RMSNorm?) throws -> Tensor {
                guard let norm, let queryKeyNorm else { return try projected.view([batch, length, -1, headSize]).transpose(1, 2) }
                switch queryKeyNorm {
                case .perHead: return try norm(projected.view([batch, length, -1, headSize])).transpose(1, 2)
                case .acrossHeads: return try norm(projected).view([batch, length, -1, headSize]).transpose(1, 2)
                }
            }
            let query = try heads(qProj(x), norm: qNorm), key = try heads(kProj(x), norm: kNorm)
            let value = try heads(vProj(x), norm: nil)
            let context = try DecoderOnly.attention(query: query.rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation),
                                                    key: key.rotary(cos: rotary.cos, sin: rotary.sin, style: .halfRotation),
                                                    value: value, mask: mask, scaling: scaling, softcap: softcap, window: window)
            return try oProj(context)
        }
    }
}

/// One transformer block (`LlamaDecoderLayer`, `Gemma2DecoderLayer`, `MixtralDecoderLayer`, ...):
/// attention and the feed-forward module, each with a residual, normalised where the family's
/// `NormPlacement` says.
final class RotaryDecoderLayer: Module {
    /// The attention window of this layer (nil: full causal attention).
    let slidingWindow: Int?
    /// Which of the model's rotary tables this layer uses.
    let rotaryIndex: Int
    let placement: RotaryDecoderSpec.NormPlacement
    @ModuleInfo(key: "self_attn") var selfAttn: RotaryAttention
    @ModuleInfo(key: "mlp") var mlp: Module
    /// `mlp` as what it computes (`RotaryDecoderSpec.feedForward`).
    private let feedForward: any DecoderFeedForward
    @ModuleInfo(key: "input_layernorm") var inputLayernorm: RMSNorm?
    @ModuleInfo(key: "post_attention_layernorm") var postAttentionLayernorm: RMSNorm
    @ModuleInfo(key: "pre_feedforward_layernorm") var preFeedforwardLayernorm: RMSNorm?
    @ModuleInfo(key: "post_feedforward_layernorm") var postFeedforwardLayernorm: RMSNorm?

    init(_ spec: RotaryDecoderSpec, index: Int) {
        (slidingWindow, rotaryIndex) = spec.layers[index]
        placement = spec.normPlacement
        feedForward = spec.feedForward(spec, index)
        super.init(typeName: spec.typeName("DecoderLayer"))
        selfAttn = RotaryAttention(spec)
        mlp = feedForward
        inputLayernorm = placement != .postNorm ? spec.norm(spec.hiddenSize) : nil
        postAttentionLayernorm = spec.norm(spec.hiddenSize)
        preFeedforwardLayernorm = placement == .sandwich ? spec.norm(spec.hiddenSize) : nil
        postFeedforwardLayernorm = placement != .preNorm ? spec.norm(spec.hiddenSize) : nil
    }

    func callAsFunction(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), mask: DecoderOnly.AttentionMask, window: Tensor?) throws -> Tensor {
        try scoped {
            func normed(_ norm: RMSNorm?, _ x: Tensor) throws -> Tensor { try norm.map { try $0(x) } ?? x }
            switch placement {
            case .preNorm:
                let attended = try x + selfAttn(normed(inputLayernorm, x), rotary: rotary, mask: mask, window: window)
                return try attended + feedForward(postAttentionLayernorm(attended))
            case .postNorm, .sandwich:
                let attention = try selfAttn(normed(inputLayernorm, x), rotary: rotary, mask: mask, window: window)
                let attended = try x + postAttentionLayernorm(attention)
                return try attended + normed(postFeedforwardLayernorm, feedForward(normed(preFeedforwardLayernorm, attended)))
            }
        }
    }
}

/// The base model (`LlamaModel`, `Qwen3Model`, `Gemma3TextModel`, ...): token embedding, decoder
/// layers, final norm; returns `last_hidden_state` `[batch, length, hidden]`.
public final class RotaryDecoderModel: Module, DecoderOnlyModel {
    let rotaryFrequencies: [RotaryFrequencies]
    @ModuleInfo(key: "embed_tokens") var embedTokens: Embedding
    @ModuleInfo(key: "layers") var layers: ModuleList<RotaryDecoderLayer>
    @ModuleInfo(key: "norm") var norm: RMSNorm
    @ModuleInfo(key: "rotary_emb") var rotaryEmb: RotaryEmbedding

    init(_ spec: RotaryDecoderSpec) {
        rotaryFrequencies = spec.rotaryFrequencies
        super.init(typeName: spec.baseModelName)
        embedTokens = Embedding(count: spec.vocabularySize, dimension: spec.hiddenSize, typeName: spec.embeddingName, scale: spec.embeddingScale)
        layers = ModuleList((0..<spec.layers.count).map { RotaryDecoderLayer(spec, index: $0) })
        norm = spec.norm(spec.hiddenSize)
        rotaryEmb = RotaryEmbedding(typeName: spec.typeName("RotaryEmbedding"), headSize: spec.headSize)
    }

    /// The last hidden state for token ids `[batch, length]` and an optional `[batch, length]`
    /// attention mask (1 = token, 0 = padding; absent = no padding). Positions are `0..<length`.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            var hidden = try embedTokens(inputIds)
            let length = inputIds.shape[1], meta = hidden.isMeta
            let mask = try DecoderOnly.AttentionMask(length: length, attentionMask: attentionMask, meta: meta)
            var windowMasks: [Int: Tensor] = [:]
            for window in Set(layers.items.compactMap(\.slidingWindow)).sorted() where length > window {
                windowMasks[window] = try Tensor.slidingWindowMask(queryLength: length, keyLength: length, window: window, meta: meta)
            }
            var tables: [Int: (cos: Tensor, sin: Tensor)] = [:]
            for index in Set(layers.items.map(\.rotaryIndex)).sorted() {
                tables[index] = try rotaryEmb(hidden, frequencies: rotaryFrequencies[index])
            }
            for layer in layers.items {
                hidden = try layer(hidden, rotary: tables[layer.rotaryIndex]!, mask: mask, window: layer.slidingWindow.flatMap { windowMasks[$0] })
            }
            return try norm(hidden)
        }
    }
}

/// The causal language model (`LlamaForCausalLM`, `Gemma2ForCausalLM`, ...): the base model and
/// `lm_head`, tied to the embedding table when `tie_word_embeddings` is true, the logits soft-capped
/// where the family does (Gemma's `final_logit_softcapping`). Returns logits `[batch, length, vocab]`.
public final class RotaryDecoderForCausalLM: Module, DecoderOnlyModel {
    let finalLogitSoftcap: Float?
    @ModuleInfo(key: "model") var model: RotaryDecoderModel
    @ModuleInfo(key: "lm_head") var lmHead: Linear

    init(_ spec: RotaryDecoderSpec) {
        finalLogitSoftcap = spec.finalLogitSoftcap.map(Float.init)
        super.init(typeName: spec.typeName("ForCausalLM"))
        model = RotaryDecoderModel(spec)
        lmHead = .languageModelHead(over: model.embedTokens, tied: spec.tieWordEmbeddings)
    }

    /// Logits `[batch, length, vocab]`.
    func callAsFunction(inputIds: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try scoped {
            let logits = try lmHead(model(inputIds: inputIds, attentionMask: attentionMask))
            return try finalLogitSoftcap.map { try DecoderOnly.softcap(logits, $0) } ?? logits
        }
    }
}
