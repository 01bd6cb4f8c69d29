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

    /// Allocates `byteCount` zeroed bytes, 64-byte aligned.
    public init(zeroedByteCount byteCount: Int) {
        let size = max(byteCount, 1)
        base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        self.byteCount = byteCount
        isWritable = true
        owner = nil
    }

    /// Allocates `byteCount` uninitialised bytes, 64-byte aligned (callers overwrite every byte).
    public init(uninitializedByteCount byteCount: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
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
    }

    deinit {
        if owner == nil { base.deallocate() }
    }
}
