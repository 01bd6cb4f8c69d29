import Foundation

/// Recycles the memory of large tensors. A forward pass allocates and frees the same activation
/// sizes op after op; with plain `malloc` each large block is a fresh `mmap` (or comes from a heap
/// top that `free` keeps trimming), so every op pays for page faults on its output and `munmap`'s
/// TLB shootdowns on the other cores, which cost more than the elementwise ops themselves. Blocks
/// of at least `minimumBlockBytes` are kept here when their tensor dies, by size (rounded up to
/// pages), and handed out again; the pool holds at most `capacityBytes`, and a block larger than
/// `maximumBlockBytes` is never kept, so a one-off huge buffer is returned to the system.
final class StoragePool: @unchecked Sendable {
    static let shared = StoragePool()

    /// Smaller blocks go to `malloc` directly (its bins serve them without system calls).
    static let minimumBlockBytes = 64 * 1024
    static let maximumBlockBytes = 256 * 1024 * 1024
    static let capacityBytes = 256 * 1024 * 1024
    static let alignment = 64

    private let lock = NSLock()
    /// Free blocks by capacity in bytes (a multiple of the page size).
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var cachedBytes = 0
    private var statistics = TensorStorage.PoolStatistics()

    /// The capacity a request of `byteCount` bytes gets: itself below `minimumBlockBytes` (not
    /// pooled), else rounded up to whole 4 KiB pages.
    static func capacity(for byteCount: Int) -> Int {
        let size = max(byteCount, 1)
        return size < minimumBlockBytes ? size : (size + 4095) & ~4095
    }

    /// A block of `capacity` bytes (from `capacity(for:)`), 64-byte aligned, contents undefined.
    func allocate(capacity: Int) -> UnsafeMutableRawPointer {
        guard capacity >= StoragePool.minimumBlockBytes else {
            return UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: StoragePool.alignment)
        }
        lock.lock()
        statistics.allocations += 1
        if let block = free[capacity]?.popLast() {
            cachedBytes -= capacity
            statistics.reused += 1
            lock.unlock()
            return block
        }
        lock.unlock()
        return UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: StoragePool.alignment)
    }

    /// Takes back a block `allocate(capacity:)` returned: kept for reuse while the pool has room,
    /// else freed.
    func release(_ block: UnsafeMutableRawPointer, capacity: Int) {
        guard capacity >= StoragePool.minimumBlockBytes, capacity <= StoragePool.maximumBlockBytes else {
            block.deallocate()
            return
        }
        lock.lock()
        if cachedBytes + capacity <= StoragePool.capacityBytes {
            free[capacity, default: []].append(block)
            cachedBytes += capacity
            lock.unlock()
            return
        }
        lock.unlock()
        block.deallocate()
    }

    /// Frees every kept block.
    func drain() {
        lock.lock()
        let blocks = free.values.flatMap { $0 }
        free = [:]
        cachedBytes = 0
        lock.unlock()
        for block in blocks { block.deallocate() }
    }

    var currentStatistics: TensorStorage.PoolStatistics {
        lock.lock()
        defer { lock.unlock() }
        var result = statistics
        result.cachedBytes = cachedBytes
        return result
    }
}

extension TensorStorage {
    /// How the pool of large tensor blocks is doing (see `TensorStorage.poolStatistics`).
    public struct PoolStatistics: Sendable, Equatable {
        /// Requests for blocks of at least 64 KiB since the process started.
        public var allocations = 0
        /// Of those, how many reused a block a dead tensor left.
        public var reused = 0
        /// Bytes held for reuse now.
        public var cachedBytes = 0
    }

    /// Counters of the pool that recycles the memory of large tensors (≥ 64 KiB), so that a
    /// forward pass does not map and fault in fresh pages op after op.
    public static var poolStatistics: PoolStatistics { StoragePool.shared.currentStatistics }

    /// Returns the memory the pool keeps for reuse to the system.
    public static func drainPool() { StoragePool.shared.drain() }
}
