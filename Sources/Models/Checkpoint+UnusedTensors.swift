import NN

/// Tensors a checkpoint holds that the model built from it does not use: never ignored in
/// silence, the commands print them as a warning (as Hugging Face does).
extension Checkpoint {
    /// Buffers Hugging Face recomputes and older checkpoints still carry, by their last name
    /// components: BERT-style `position_ids` and `token_type_ids`, rotary `inv_freq`, and GPT-2 /
    /// GPT-J causal masks (`attn.bias`, `attn.masked_bias`). They are not weights, so not reported.
    static let recomputedBufferSuffixes = [".position_ids", ".token_type_ids", ".inv_freq", ".masked_bias", ".attn.bias"]

    /// The names among `names` that `model` reads no parameter from (`CheckpointLayout`), in the
    /// given order, except recomputed buffers (`recomputedBufferSuffixes`).
    public static func unusedTensorNames(_ names: [String], by model: Module) -> [String] {
        let used = CheckpointLayout(model: model, stored: Set(names)).usedNames
        return names.filter { name in
            !used.contains(name) && !recomputedBufferSuffixes.contains { ("." + name).hasSuffix($0) }
        }
    }

    /// The checkpoint's tensors that `model` does not use, in file order (see `unusedTensorNames(_:by:)`).
    public func unusedTensorNames(by model: Module) -> [String] {
        Checkpoint.unusedTensorNames(files.flatMap(\.names), by: model)
    }
}
