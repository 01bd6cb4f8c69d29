/// The architecture registry, as mlx-swift-lm's `LLMTypeRegistry`: `model_type` → the classes
/// slimtrace builds and where their full models keep the base model. Adding a family is one row.
public enum Architectures {
    static let table: [String: Architecture] = [
        "bert": Architecture(BertConfiguration.self, prefix: "bert", [
            "BertModel": .init(BertModel.init(_:source:)), "BertForSequenceClassification": .init(BertForSequenceClassification.init)]),
        "roberta": Architecture(BertConfiguration.self, prefix: "roberta", [
            "RobertaModel": .init(BertModel.init(_:source:)), "RobertaForSequenceClassification": .init(BertForSequenceClassification.init)]),
        "electra": Architecture(BertConfiguration.self, prefix: "electra", [
            "ElectraModel": .init(BertModel.init(_:source:)), "ElectraForSequenceClassification": .init(BertForSequenceClassification.init)]),
        "distilbert": Architecture(DistilBertConfiguration.self, prefix: "distilbert", [
            "DistilBertModel": .init(DistilBertModel.init), "DistilBertForSequenceClassification": .init(DistilBertForSequenceClassification.init)]),
        "vit": Architecture(ViTConfiguration.self, prefix: "vit", [
            "ViTModel": .init(ViTModel.init(_:source:)), "ViTForImageClassification": .init(ViTForImageClassification.init)]),
        "opt": Architecture(OPTConfiguration.self, prefix: "model", [
            "OPTModel": .init(OPTModel.init), "OPTForCausalLM": .init(OPTForCausalLM.init)]),
        "gpt2": Architecture(GPT2Configuration.self, prefix: "transformer", [
            "GPT2Model": .init(GPT2Model.init), "GPT2LMHeadModel": .init(GPT2LMHeadModel.init)]),
        "gptj": Architecture(GPTJConfiguration.self, prefix: "transformer", [
            "GPTJModel": .init(GPTJModel.init), "GPTJForCausalLM": .init(GPTJForCausalLM.init)]),
        "llama": Architecture(LlamaConfiguration.self, prefix: "model", [
            "LlamaModel": .init(LlamaModel.init), "LlamaForCausalLM": .init(LlamaForCausalLM.init)]),
        "mistral": Architecture(LlamaConfiguration.self, prefix: "model", [
            "MistralModel": .init(LlamaModel.init), "MistralForCausalLM": .init(LlamaForCausalLM.init)]),
        "qwen2": Architecture(LlamaConfiguration.self, prefix: "model", [
            "Qwen2Model": .init(LlamaModel.init), "Qwen2ForCausalLM": .init(LlamaForCausalLM.init)]),
    ]

    /// Every supported `model_type`, sorted (for error messages and help).
    public static var supportedModelTypes: [String] { table.keys.sorted() }

    /// Builds the model a checkpoint describes: the family by `model_type`, the class by
    /// `architectures[0]` and the tensors (`Architecture.className`). `parameterNames` are the
    /// checkpoint's tensor names, empty without weights.
    public static func build(config: ConfigFile, parameterNames: Set<String>) throws -> any TransformerModel {
        guard let architecture = table[config.modelType] else {
            throw ModelError.unsupportedModelType(config.modelType, supported: supportedModelTypes)
        }
        let name = try architecture.className(requested: config.architectures.first, tensorNames: parameterNames, modelType: config.modelType)
        return try architecture.build(name, from: ModelSource(file: config, tensorNames: parameterNames))
    }
}
