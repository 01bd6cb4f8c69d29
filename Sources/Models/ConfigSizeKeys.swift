/// Where a family's `config.json` holds the sizes a slim changes, so a slimmed checkpoint can say
/// them in the family's own terms and Hugging Face's `from_pretrained` builds the same shapes.
/// Hugging Face has no such table: each `modeling_*.py` reads its own keys (`config.intermediate_size`,
/// `config.ffn_dim`, `config.n_inner`, `config.hidden_dim`; `getattr(config, "head_dim", ...)`).
public struct ConfigSizeKeys: Sendable, Equatable {
    /// The key of the feed-forward width (`intermediate_size`; OPT's `ffn_dim`, GPT-2's `n_inner`,
    /// DistilBERT's `hidden_dim`).
    public var feedForward: String
    /// Where the head counts and head size live.
    public var heads: HeadSizeKeys

    public init(feedForward: String, heads: HeadSizeKeys) {
        self.feedForward = feedForward
        self.heads = heads
    }
}

/// How a family's config sizes its heads.
public enum HeadSizeKeys: Sendable, Equatable {
    /// The head size is its own key (LLaMA's `head_dim`), so fewer heads of the same size can be
    /// written: the head count, the key/value head count and the head size keys.
    case explicit(heads: String, keyValueHeads: String, headSize: String)
    /// The head size is derived (`hidden_size / num_attention_heads`, as given): fewer heads would
    /// change it, so the config cannot express a head slim.
    case derived(String)

    /// `num_attention_heads`, `num_key_value_heads`, `head_dim`: every decoder family that reads `head_dim`.
    public static let headDim = HeadSizeKeys.explicit(heads: "num_attention_heads", keyValueHeads: "num_key_value_heads", headSize: "head_dim")
    /// `hidden_size / num_attention_heads`: BERT, OPT, GPT-NeoX, ViT.
    public static let hiddenOverHeads = HeadSizeKeys.derived("hidden_size / num_attention_heads")
}

extension ConfigSizeKeys {
    /// `intermediate_size` and `head_dim`: LLaMA, Mistral, Qwen2, Qwen3, Gemma 2 and 3, OLMo 2, Phi-3.
    public static let decoder = ConfigSizeKeys(feedForward: "intermediate_size", heads: .headDim)
}
