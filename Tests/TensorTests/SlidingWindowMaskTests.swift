import Testing
@testable import Tensor

@Suite struct SlidingWindowMaskTests {
    @Test func masksKeysAtOrBeforeQueryMinusWindowAsHuggingFaceOverlay() throws {
        let mask = try Tensor.slidingWindowMask(queryLength: 5, keyLength: 5, window: 2)
        #expect(mask.shape == [5, 5])
        #expect(mask.dtype == .bool)
        let flags = try mask.integers()
        for i in 0..<5 {
            for j in 0..<5 {
                // Hugging Face keeps kv_idx > q_idx - window.
                #expect((flags[i * 5 + j] != 0) == !(j > i - 2), "query \(i), key \(j)")
            }
        }
    }

    @Test func queriesAlignToTheLastKeys() throws {
        let flags = try Tensor.slidingWindowMask(queryLength: 2, keyLength: 4, window: 2).integers()
        #expect(flags == [1, 0, 0, 0,
                          1, 1, 0, 0])
    }

    @Test func metaMaskHasTheShapeOnly() throws {
        let mask = try Tensor.slidingWindowMask(queryLength: 8192, keyLength: 8192, window: 4096, meta: true)
        #expect(mask.isMeta)
        #expect(mask.shape == [8192, 8192])
    }

    @Test func nonPositiveWindowIsAnError() {
        #expect(throws: TensorError.self) { try Tensor.slidingWindowMask(queryLength: 2, keyLength: 2, window: 0) }
    }
}
