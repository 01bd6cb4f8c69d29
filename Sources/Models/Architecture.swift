import Tensor

/// One family of Hugging Face architectures (`bert`, `llama`, ...): which `model_type`s and
/// classes it builds and how.
public protocol Architecture {
    /// The `model_type` values this family builds.
    static var modelTypes: [String] { get }
    /// The class names (`architectures[0]`) this family builds; the first is the base model.
    static var classNames: [String] { get }
    /// The name under which the full models keep the base model (`bert`, `model`, `transformer`,
    /// `vit`): a checkpoint whose tensors lack `prefix.` was saved from the base model.
    static func basePrefix(modelType: String) -> String
    /// Builds the module tree of `className` from the config, parameters as meta tensors of the
    /// shapes the config implies.
    static func build(className: String, config: ConfigFile) throws -> any TransformerModel
    /// Builds as `build(className:config:)` does, for a checkpoint holding `parameterNames` (empty
    /// when there are no weights): a family whose module tree depends on what was saved (BERT's
    /// base model without its pooler) builds what the checkpoint holds.
    static func build(className: String, config: ConfigFile, parameterNames: Set<String>) throws -> any TransformerModel
}

extension Architecture {
    public static func build(className: String, config: ConfigFile, parameterNames: Set<String>) throws -> any TransformerModel {
        try build(className: className, config: config)
    }
}

/// The architecture registry: picks the family by `model_type` and the class by `architectures[0]`.
public enum Architectures {
    /// Every family slimtrace knows.
    public static var all: [any Architecture.Type] {
        [BertArchitecture.self, RobertaArchitecture.self, XLMRobertaArchitecture.self, ElectraArchitecture.self,
         OPTFamily.self, GPT2Family.self, GPTJFamily.self,
         LlamaArchitecture.self, MistralArchitecture.self, Qwen2Architecture.self,
         Qwen3Architecture.self, Gemma2Architecture.self, Gemma3TextArchitecture.self, Olmo2Architecture.self,
         Phi3Family.self, GPTNeoXFamily.self,
         DistilBertArchitecture.self, ViTArchitecture.self, MPNetFamily.self]
    }

    /// Every supported `model_type`, sorted (for error messages and help).
    public static var supportedModelTypes: [String] { all.flatMap { $0.modelTypes }.sorted() }

    /// Builds the model a checkpoint describes. `parameterNames` are the checkpoint's tensor names:
    /// when none starts with the family's base prefix, the checkpoint was saved from the base model
    /// and loads as that, whatever `architectures` says.
    public static func build(config: ConfigFile, parameterNames: Set<String>) throws -> any TransformerModel {
        guard let family = all.first(where: { $0.modelTypes.contains(config.modelType) }) else {
            throw ModelError.unsupportedModelType(config.modelType, supported: supportedModelTypes)
        }
        let requested = config.architectures.first ?? family.classNames[0]
        guard family.classNames.contains(requested) else {
            throw ModelError.unsupportedArchitecture(requested, modelType: config.modelType, supported: family.classNames)
        }
        let prefix = family.basePrefix(modelType: config.modelType) + "."
        let savedFromBase = !parameterNames.isEmpty && !parameterNames.contains { $0.hasPrefix(prefix) }
        let model = try family.build(className: savedFromBase ? family.classNames[0] : requested, config: config, parameterNames: parameterNames)
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
