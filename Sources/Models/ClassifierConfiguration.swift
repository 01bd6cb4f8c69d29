/// A config with a classification head: its label count as Hugging Face's `PretrainedConfig`
/// reads it (`id2label`, `num_labels`); `ModelConfiguration.load` checks it.
protocol ClassifierConfiguration {
    /// Class names by index; its size is the label count.
    var id2label: [String: String]? { get }
    /// The label count when there is no `id2label`.
    var numLabels: Int? { get }
}

extension ClassifierConfiguration {
    /// The classifier's output count: `id2label`'s size, else `num_labels`, else 2.
    var labelCount: Int { id2label?.count ?? numLabels ?? 2 }

    /// Throws unless there is at least one label (and not absurdly many), naming the key it came from.
    func checkLabels(in file: ConfigFile) throws {
        let key = id2label == nil ? "num_labels" : "id2label"
        try file.require(labelCount > 0, key, "must give at least one label")
        try file.requirePositive([key: labelCount])
    }
}
