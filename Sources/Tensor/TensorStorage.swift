import Foundation

/// The bytes behind one or more tensors: memory the storage owns, or a read-only window into a
/// memory-mapped file (kept alive by `owner`).
public final class TensorStorage: @unchecked Sendable {
    /// Start of the bytes.
    public let base: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int
    /// False for a view into a mapped file: writing needs a copy first.
    public let isWritable: Bool
    private let owner: AnyObject?
    /// Bytes allocated (from `StoragePool`) for owned storage; 0 for borrowed.
    private let capacity: Int

    /// Allocates `byteCount` zeroed bytes, 64-byte aligned.
    public init(zeroedByteCount byteCount: Int) {
        capacity = StoragePool.capacity(for: byteCount)
        base = StoragePool.shared.allocate(capacity: capacity)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
        self.byteCount = byteCount
        isWritable = true
        owner = nil
    }

    /// Allocates `byteCount` uninitialised bytes, 64-byte aligned (callers overwrite every byte).
    /// Large blocks come from the pool of blocks dead tensors left (see `poolStatistics`).
    public init(uninitializedByteCount byteCount: Int) {
        capacity = StoragePool.capacity(for: byteCount)
        base = StoragePool.shared.allocate(capacity: capacity)
        self.byteCount = byteCount
        isWritable = true
        owner = nil
    }

    /// Wraps bytes owned by `owner` (e.g. a mapped file) without copying; read-only.
    public init(borrowing base: UnsafeRawPointer, byteCount: Int, owner: AnyObject) {
        self.base = UnsafeMutableRawPointer(mutating: base)
        self.byteCount = byteCount
        isWritable = false
        self.owner = owner
        capacity = 0
    }

    deinit {
        if owner == nil { StoragePool.shared.release(base, capacity: capacity) }
    }
}
