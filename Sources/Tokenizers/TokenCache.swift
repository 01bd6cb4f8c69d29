import Foundation

/// A bounded word → tokens cache shared by every encode call of one model (Hugging Face's BPE cache):
/// words repeat, so most are looked up instead of merged again.
final class TokenCache: @unchecked Sendable {
    // Guarded by `lock`.
    private var entries: [ByteKey: [Token]] = [:]
    private let lock = NSLock()
    private let capacity: Int
    /// Words longer than this many bytes are not cached.
    static let maxWordLength = 256

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func tokens(for word: ByteKey) -> [Token]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[word]
    }

    func store(_ tokens: [Token], for word: ByteKey) {
        guard word.bytes.count < Self.maxWordLength else { return }
        lock.lock()
        defer { lock.unlock() }
        if entries.count < capacity { entries[word] = tokens }
    }
}
