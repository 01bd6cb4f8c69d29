import Formats
import Tensor

/// The inputs of the text models (the BERT family, DistilBERT, the decoder-only models): token ids
/// `input_ids` `[batch, length]`, the primary input, and optional inputs of the same shape,
/// `attention_mask` (1 = token, 0 = padding) and, in the BERT family, `token_type_ids`.
struct TokenInputs {
    let ids: Tensor
    let attentionMask: Tensor?
    let tokenTypeIds: Tensor?

    /// `input_ids` (primary; INC's `[1, 16]` int64 placeholder) and `attention_mask`.
    static let specs = [
        ModelInputSpec(name: "input_ids", dtype: .i64, defaultShape: [1, 16], isPrimary: true),
        ModelInputSpec(name: "attention_mask", dtype: .i64, defaultShape: [1, 16], isPrimary: false),
    ]

    /// `specs` and `token_type_ids` (the BERT family).
    static let specsWithTokenTypes = specs + [
        ModelInputSpec(name: "token_type_ids", dtype: .i64, defaultShape: [1, 16], isPrimary: false),
    ]

    /// Checks that `ids` are integer ids `[batch, length]` with length > 0, that token types (when
    /// given) are integers too, and that the optional inputs have the ids' shape.
    init(ids: Tensor, attentionMask: Tensor?, tokenTypeIds: Tensor? = nil) throws {
        guard ids.rank == 2, ids.shape[1] > 0 else {
            throw ModelError.invalidInput(name: "input_ids", detail: "must be [batch, length] with length > 0, got \(Shape.describe(ids.shape))")
        }
        for (name, tensor) in [("input_ids", ids), ("token_type_ids", tokenTypeIds)] {
            if let tensor, tensor.dtype.isFloatingPoint {
                throw ModelError.invalidInput(name: name, detail: "must hold integer ids, got \(tensor.dtype.rawValue)")
            }
        }
        for (name, tensor) in [("attention_mask", attentionMask), ("token_type_ids", tokenTypeIds)] {
            if let tensor, tensor.shape != ids.shape {
                throw ModelError.invalidInput(name: name, detail: "shape \(Shape.describe(tensor.shape)) differs from input_ids \(Shape.describe(ids.shape))")
            }
        }
        self.ids = ids
        self.attentionMask = attentionMask
        self.tokenTypeIds = tokenTypeIds
    }

    /// The token inputs among `inputs` (whose names `model.validate` has accepted), checked as above.
    init(_ inputs: ModelInputs, of model: some TransformerModel) throws {
        guard let ids = inputs["input_ids"] else { throw ModelError.missingInput(name: "input_ids", model: model.typeName) }
        try self.init(ids: ids, attentionMask: inputs["attention_mask"], tokenTypeIds: inputs["token_type_ids"])
    }
}
