import Tensor

/// The architecture registry, as mlx-swift-lm's `LLMTypeRegistry`: `model_type` → the classes
/// slimtrace builds and where their full models keep the base model.
public enum Architectures {
    /// One row per `model_type`. Adding a family is one file and one row: the file holds the
    /// family's config, a `ModelConfiguration` (snake_case `CodingKeys` whose `hiddenSize`,
    /// `layerCount`, `headCount` and `intermediateSize` cases name the family's keys, `tableSizes`,
    /// and only its own checks in `validate(in:)`: the common sizes, their `ConfigLimits` bounds and
    /// the whole model's parameter count are checked here, once), then the module classes, each
    /// with an initializer taking `(config)`, or `(config, source:)` when the tree depends on the
    /// saved tensors. A decoder on the shared rotary decoder (`RotaryDecoder.swift`) has a
    /// `RotaryDecoderFamilyConfiguration` and no classes of its own: its row builds
    /// `RotaryDecoderModel` and `RotaryDecoderForCausalLM` (see `qwen3`). The row lists the class
    /// names, the base model first, and the prefix of the base model's tensors in the full ones.
    static let table: [String: Architecture] = [
        "bert": Architecture(BertConfiguration.self, prefix: "bert", [
            "BertModel": .init(BertModel.init(_:source:)), "BertForSequenceClassification": .init(BertForSequenceClassification.init)]),
        "roberta": Architecture(BertConfiguration.self, prefix: "roberta", [
            "RobertaModel": .init(BertModel.init(_:source:)), "RobertaForSequenceClassification": .init(BertForSequenceClassification.init)]),
        "xlm-roberta": Architecture(BertConfiguration.self, prefix: "roberta", [
            "XLMRobertaModel": .init(BertModel.init(_:source:)), "XLMRobertaForSequenceClassification": .init(BertForSequenceClassification.init)]),
        "electra": Architecture(BertConfiguration.self, prefix: "electra", [
            "ElectraModel": .init(BertModel.init(_:source:)), "ElectraForSequenceClassification": .init(BertForSequenceClassification.init)]),
        "distilbert": Architecture(DistilBertConfiguration.self, prefix: "distilbert", [
            "DistilBertModel": .init(DistilBertModel.init), "DistilBertForSequenceClassification": .init(DistilBertForSequenceClassification.init)]),
        "mpnet": Architecture(MPNetConfiguration.self, prefix: "mpnet", [
            "MPNetModel": .init(MPNetModel.init(_:source:)), "MPNetForSequenceClassification": .init(MPNetForSequenceClassification.init)]),
        "deberta-v2": Architecture(DebertaV2Configuration.self, prefix: "deberta", [
            "DebertaV2Model": .init(DebertaV2Model.init), "DebertaV2ForSequenceClassification": .init(DebertaV2ForSequenceClassification.init)]),
        "vit": Architecture(ViTConfiguration.self, prefix: "vit", [
            "ViTModel": .init(ViTModel.init(_:source:)), "ViTForImageClassification": .init(ViTForImageClassification.init)]),
        "opt": Architecture(OPTConfiguration.self, prefix: "model", [
            "OPTModel": .init(OPTModel.init), "OPTForCausalLM": .init(OPTForCausalLM.init)]),
        "gpt2": Architecture(GPT2Configuration.self, prefix: "transformer", [
            "GPT2Model": .init(GPT2Model.init), "GPT2LMHeadModel": .init(GPT2LMHeadModel.init)]),
        "gptj": Architecture(GPTJConfiguration.self, prefix: "transformer", [
            "GPTJModel": .init(GPTJModel.init), "GPTJForCausalLM": .init(GPTJForCausalLM.init)]),
        "gpt_neox": Architecture(GPTNeoXConfiguration.self, prefix: "gpt_neox", [
            "GPTNeoXModel": .init(GPTNeoXModel.init), "GPTNeoXForCausalLM": .init(GPTNeoXForCausalLM.init)]),
        "phi3": Architecture(Phi3Configuration.self, prefix: "model", [
            "Phi3Model": .init(Phi3Model.init), "Phi3ForCausalLM": .init(Phi3ForCausalLM.init)]),
        "phi": Architecture(PhiConfiguration.self, prefix: "model", [
            "PhiModel": .init(PhiModel.init), "PhiForCausalLM": .init(PhiForCausalLM.init)]),
        "falcon": Architecture(FalconConfiguration.self, prefix: "transformer", [
            "FalconModel": .init(FalconModel.init), "FalconForCausalLM": .init(FalconForCausalLM.init)]),
        "bloom": Architecture(BloomConfiguration.self, prefix: "transformer", [
            "BloomModel": .init(BloomModel.init), "BloomForCausalLM": .init(BloomForCausalLM.init)]),
        "llama": Architecture(LlamaConfiguration.self, prefix: "model", [
            "LlamaModel": .init(RotaryDecoderModel.init(_:source:)), "LlamaForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]),
        "mistral": Architecture(LlamaConfiguration.self, prefix: "model", [
            "MistralModel": .init(RotaryDecoderModel.init(_:source:)), "MistralForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]),
        "qwen2": Architecture(LlamaConfiguration.self, prefix: "model", [
            "Qwen2Model": .init(RotaryDecoderModel.init(_:source:)), "Qwen2ForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]),
        "qwen3": Architecture(Qwen3Configuration.self, prefix: "model", [
            "Qwen3Model": .init(RotaryDecoderModel.init(_:source:)), "Qwen3ForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]),
        "gemma2": Architecture(Gemma2Configuration.self, prefix: "model", [
            "Gemma2Model": .init(RotaryDecoderModel.init(_:source:)), "Gemma2ForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]),
        "gemma3_text": Architecture(Gemma3TextConfiguration.self, prefix: "model", [
            "Gemma3TextModel": .init(RotaryDecoderModel.init(_:source:)), "Gemma3ForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]),
        "olmo2": Architecture(Olmo2Configuration.self, prefix: "model", [
            "Olmo2Model": .init(RotaryDecoderModel.init(_:source:)), "Olmo2ForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]),
        "mixtral": Architecture(LlamaConfiguration.self, prefix: "model", [
            "MixtralModel": .init(RotaryDecoderModel.init(_:source:)), "MixtralForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]).withoutConfigSizeKeys(),
        "qwen2_moe": Architecture(LlamaConfiguration.self, prefix: "model", [
            "Qwen2MoeModel": .init(RotaryDecoderModel.init(_:source:)), "Qwen2MoeForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]).withoutConfigSizeKeys(),
        "qwen3_moe": Architecture(LlamaConfiguration.self, prefix: "model", [
            "Qwen3MoeModel": .init(RotaryDecoderModel.init(_:source:)), "Qwen3MoeForCausalLM": .init(RotaryDecoderForCausalLM.init(_:source:))]).withoutConfigSizeKeys(),
    ]

    /// Every supported `model_type`, sorted (for error messages and help).
    public static var supportedModelTypes: [String] { table.keys.sorted() }

    /// The config keys of the family that builds `modelType`, when it declares them.
    public static func configSizeKeys(modelType: String) -> ConfigSizeKeys? {
        table[modelType]?.configSizeKeys
    }

    /// Builds the model a checkpoint describes: the family by `model_type`, the class by
    /// `architectures[0]` and the tensors (`Architecture.className`), then checks its parameter
    /// count. `parameterNames` are the checkpoint's tensor names, empty without weights.
    public static func build(config: ConfigFile, parameterNames: Set<String>) throws -> any TransformerModel {
        guard let architecture = table[config.modelType] else {
            throw ModelError.unsupportedModelType(config.modelType, supported: supportedModelTypes)
        }
        let name = try architecture.className(requested: config.architectures.first, tensorNames: parameterNames, modelType: config.modelType)
        let model = try architecture.build(name, from: ModelSource(file: config, tensorNames: parameterNames))
        try requireParameterCount(of: model, config: config)
        return model
    }

    /// Throws unless the model (built from `config` with meta parameters) has at most
    /// `ConfigLimits.parameters` parameters, counted with checked arithmetic.
    static func requireParameterCount(of model: any TransformerModel, config: ConfigFile) throws {
        var total = 0
        for (names, parameter) in model.uniqueParameters() {
            let count = Shape.checkedElementCount(parameter.shape)
            let (sum, overflow) = total.addingReportingOverflow(count ?? .max)
            guard count != nil, !overflow, sum <= ConfigLimits.parameters else {
                throw ModelError.invalidConfig(path: config.url.path, detail:
                    "the sizes and layer count describe more than \(ConfigLimits.parameters) parameters (reached at \(names[0]) \(Shape.describe(parameter.shape))), which no real model has")
            }
            total = sum
        }
    }
}
