/// The name of what a model's forward returns, as Hugging Face's output classes call it.
extension TransformerModel {
    /// True for a base model (`BertModel`, `LlamaModel`, `ViTModel`): its class name ends with
    /// `Model` but is not a language-modelling head (`GPT2LMHeadModel`, `GPTJForCausalLM`...).
    public var isBaseModel: Bool {
        typeName.hasSuffix("Model") && !typeName.hasSuffix("LMHeadModel")
    }

    /// `last_hidden_state` for base models, `logits` for models with a head.
    public var outputName: String {
        isBaseModel ? "last_hidden_state" : "logits"
    }
}
