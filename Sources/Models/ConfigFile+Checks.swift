/// The checks every architecture's config reader makes, each an invalid-config error naming the
/// file and the key at fault (see `require`).
extension ConfigFile {
    /// Throws for the first key whose value is not positive (sizes, counts).
    func requirePositive(_ values: KeyValuePairs<String, Int>) throws {
        for (key, value) in values { try require(value > 0, key, "must be positive, got \(value)") }
    }

    /// Throws if `value` (the layer count) is negative.
    func requireNotNegative(_ key: String, _ value: Int) throws {
        try require(value >= 0, key, "must not be negative, got \(value)")
    }

    /// Throws unless `value` (of `key`) is a multiple of `divisor` (of `divisorKey`): a width that
    /// the heads must split evenly.
    func requireDivisible(_ key: String, _ value: Int, by divisorKey: String, _ divisor: Int) throws {
        try require(value % divisor == 0, key, "(\(value)) must be divisible by \(divisorKey) (\(divisor))")
    }
}
