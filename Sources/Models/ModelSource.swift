/// What a model class is built from: the checkpoint's `config.json` and the names of the tensors
/// it holds (empty when there are no weights), for a family whose module tree depends on what was
/// saved (a base model saved without its pooler).
struct ModelSource {
    /// The config file (named in errors).
    let file: ConfigFile
    /// The checkpoint's tensor names.
    let tensorNames: Set<String>

    /// True when there are no weights (build everything) or the checkpoint holds `tensor`.
    func mayHold(_ tensor: String) -> Bool {
        tensorNames.isEmpty || tensorNames.contains(tensor)
    }
}
