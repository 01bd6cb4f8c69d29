/// The safetensors `__metadata__` a rewritten checkpoint keeps.
extension Checkpoint {
    /// The source files' `__metadata__`, merged (the first file's value wins; `format: pt`), nil
    /// when there is none.
    public var metadata: [String: String]? {
        let merged = files.reduce(into: [String: String]()) { $0.merge($1.metadata) { first, _ in first } }
        return merged.isEmpty ? nil : merged
    }
}
