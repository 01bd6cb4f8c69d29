/// The checks a config reader makes, each an invalid-config error naming the file and the key at
/// fault (see `require`). Sizes are bounded by `ConfigLimits` before anything is built.
extension ConfigFile {
    /// Throws for the first key whose value is not a positive width of at most `ConfigLimits.width`
    /// (sizes, counts).
    func requirePositive(_ values: KeyValuePairs<String, Int>) throws {
        for (key, value) in values { try requireSize(key, value, limit: ConfigLimits.width) }
    }

    /// Throws for the first key whose value is not a positive table size (rows of an embedding) of
    /// at most `ConfigLimits.tableSize`.
    func requireTableSize(_ values: KeyValuePairs<String, Int>) throws {
        for (key, value) in values { try requireSize(key, value, limit: ConfigLimits.tableSize) }
    }

    /// Throws unless `value` (the layer count) is between 0 and `ConfigLimits.layers`.
    func requireLayerCount(_ key: String, _ value: Int) throws {
        try require(value >= 0, key, "must not be negative, got \(value)")
        try require(value <= ConfigLimits.layers, key, "is \(value), more than the \(ConfigLimits.layers) layers slimtrace accepts")
    }

    /// Throws unless `layer_types`, when given, has one `full_attention` or `sliding_attention`
    /// entry per layer (the layer types the rotary decoders and ModernBERT know).
    func requireLayerTypes(_ layerTypes: [String]?, layerCount: Int) throws {
        guard let layerTypes else { return }
        try require(layerTypes.count == layerCount, "layer_types", "has \(layerTypes.count) entries for \(layerCount) layers")
        if let unknown = layerTypes.first(where: { !["full_attention", "sliding_attention"].contains($0) }) {
            try require(false, "layer_types", "has \"\(unknown)\"; supported: full_attention, sliding_attention")
        }
    }

    /// Throws unless `value` (of `key`) is a multiple of `divisor` (of `divisorKey`): a width that
    /// the heads must split evenly.
    func requireDivisible(_ key: String, _ value: Int, by divisorKey: String, _ divisor: Int) throws {
        try require(value % divisor == 0, key, "(\(value)) must be divisible by \(divisorKey) (\(divisor))")
    }

    /// Throws, naming the first key, unless the product of `values` (positive values of config
    /// keys) is at most `limit`; `what` says what the product counts.
    func requireProduct(_ values: KeyValuePairs<String, Int>, atMost limit: Int, _ what: String) throws {
        let factors = values.map { "\($0.key) (\($0.value))" }.joined(separator: " × ")
        var product = 1
        for (_, value) in values {
            let (next, overflow) = product.multipliedReportingOverflow(by: value)
            try require(!overflow && next <= limit, values[values.startIndex].key, "gives \(factors), more than the \(limit) \(what) slimtrace accepts")
            product = next
        }
    }

    /// Throws unless `value` is positive and at most `limit`.
    private func requireSize(_ key: String, _ value: Int, limit: Int) throws {
        try require(value > 0, key, "must be positive, got \(value)")
        try require(value <= limit, key, "is \(value), more than the \(limit) slimtrace accepts (no real model comes close)")
    }
}
