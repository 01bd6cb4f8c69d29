extension KeyedDecodingContainer {
    /// The value under `key`, or `fallback` (the Hugging Face config class's default) when the key
    /// is absent or `null`.
    func decode<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}
