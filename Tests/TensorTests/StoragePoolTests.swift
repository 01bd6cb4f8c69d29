import Testing
@testable import Tensor

/// The pool that recycles large tensor blocks: a recycled block is handed out again, and a tensor
/// that must start as zeros does even when its block held other values.
@Suite struct StoragePoolTests {
    /// A size no other test uses, so that concurrent tests do not take the block first.
    static let elements = (StoragePool.minimumBlockBytes + 37 * 4096) / 4 + 3

    @Test func zerosAreZeroWhenTheirBlockIsRecycled() throws {
        for _ in 0..<3 {
            do { _ = Tensor.full(shape: [Self.elements], value: 7) }
            let zeros = Tensor.zeros(shape: [Self.elements])
            #expect(try zeros.floats().allSatisfy { $0 == 0 })
        }
    }

    @Test func aDeadTensorsBlockIsReusedForTheSameSize() throws {
        let size = Self.elements + 4096  // its own capacity, distinct from the test above
        do { _ = Tensor.full(shape: [size], value: 1) }
        let before = TensorStorage.poolStatistics
        let reused = Tensor.full(shape: [size], value: 2)
        let after = TensorStorage.poolStatistics
        #expect(after.allocations > before.allocations)
        #expect(after.reused > before.reused)
        #expect(try reused.floats().allSatisfy { $0 == 2 })
    }

    @Test func smallTensorsAreNotPooled() {
        #expect(StoragePool.capacity(for: 1000) == 1000)
        #expect(StoragePool.capacity(for: StoragePool.minimumBlockBytes + 1) == StoragePool.minimumBlockBytes + 4096)
    }
}
