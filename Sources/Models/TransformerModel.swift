import Formats
import NN
import Tensor

/// One named input a model's forward pass takes (`input_ids`, `attention_mask`, `pixel_values`, ...).
public struct ModelInputSpec: Sendable, Equatable {
    /// The Hugging Face argument name.
    public let name: String
    /// The dtype a placeholder for it gets.
    public let dtype: DType
    /// The placeholder shape when the user gives none (`[1, 16]` token ids as INC uses;
    /// ViT's `[1, 3, image_size, image_size]`).
    public let defaultShape: [Int]
    /// True for the input a placeholder is made for (the others take Hugging Face's defaults when absent).
    public let isPrimary: Bool

    public init(name: String, dtype: DType, defaultShape: [Int], isPrimary: Bool) {
        self.name = name
        self.dtype = dtype
        self.defaultShape = defaultShape
        self.isPrimary = isPrimary
    }
}

/// A model an architecture built: the root of the module tree (its `typeName` is the Hugging Face
/// class, e.g. `BertForSequenceClassification`) and its forward pass.
public protocol TransformerModel: Module {
    /// The inputs `forward` accepts, the primary one first.
    var inputSpecs: [ModelInputSpec] { get }
    /// Runs the model: logits for `*For...` heads, `last_hidden_state` for base models.
    func forward(_ inputs: ModelInputs) throws -> Tensor
    /// Older tensor names checkpoints store some parameters under, by the parameter's name
    /// (GPT-NeoX's `embed_out.weight` for `lm_head.weight`, as Hugging Face's conversion maps them).
    var legacyTensorNames: [String: String] { get }
}

extension TransformerModel {
    public var legacyTensorNames: [String: String] { [:] }
}

extension Module {
    /// The names a checkpoint may store a parameter named `names` under: those names, then the
    /// legacy names the model accepts for them.
    func checkpointNames(_ names: [String]) -> [String] {
        let legacy = (self as? any TransformerModel)?.legacyTensorNames ?? [:]
        return names + names.compactMap { legacy[$0] }
    }
}

extension TransformerModel {
    /// Checks that every given input is one this model takes, naming the first that is not.
    public func validate(_ inputs: ModelInputs) throws {
        let known = Set(inputSpecs.map(\.name))
        if let unknown = inputs.entries.first(where: { !known.contains($0.name) }) {
            throw ModelError.unexpectedInput(name: unknown.name, model: typeName, accepted: inputSpecs.map(\.name))
        }
        guard let primary = inputSpecs.first(where: \.isPrimary), inputs[primary.name] != nil else {
            throw ModelError.missingInput(name: inputSpecs.first(where: \.isPrimary)?.name ?? "?", model: typeName)
        }
    }
}
