import Testing
@testable import Tensor

/// `Tensor.relativePositionBuckets` against PyTorch: Hugging Face's
/// `MPNetEncoder.relative_position_bucket(relative_position, num_buckets, max_distance)` on the
/// relative positions (key − query) below, printed with transformers 5.
@Suite struct RelativePositionBucketsTests {
    static let relativePositions = [0, 1, 7, 8, 9, 15, 16, 17, 20, 31, 32, 33, 63, 64, 127, 128, 200, -3, -8, -16, -32, -200]
    /// `(num_buckets, max_distance)` and PyTorch's buckets of `relativePositions`.
    static let cases: [(Int, Int, [Int])] = [
        (32, 128, [0, 17, 23, 24, 24, 25, 26, 26, 26, 27, 28, 28, 29, 30, 31, 31, 31, 3, 8, 10, 12, 15]),
        (64, 256, [0, 33, 39, 40, 41, 47, 48, 48, 49, 51, 52, 52, 55, 56, 59, 60, 62, 3, 8, 16, 20, 30]),
    ]

    @Test(arguments: 0..<cases.count)
    func bucketsMatchHuggingFacesRelativePositionBucket(_ index: Int) throws {
        let (buckets, maxDistance, expected) = Self.cases[index]
        let length = 201
        let table = try Tensor.relativePositionBuckets(queryLength: length, keyLength: length, buckets: buckets, maxDistance: maxDistance).integers()
        // Relative position r ≥ 0 is query 0, key r; r < 0 is query −r, key 0.
        let found = Self.relativePositions.map { r in r >= 0 ? table[r] : table[-r * length] }
        #expect(found == expected)
    }

    @Test func metaHasTheShapeAndBadSizesAreRefused() throws {
        let meta = try Tensor.relativePositionBuckets(queryLength: 3, keyLength: 5, buckets: 32, maxDistance: 128, meta: true)
        #expect(meta.shape == [3, 5] && meta.dtype == .i64)
        #expect(throws: TensorError.self) { try Tensor.relativePositionBuckets(queryLength: -1, keyLength: 2, buckets: 32, maxDistance: 128) }
        #expect(throws: TensorError.self) { try Tensor.relativePositionBuckets(queryLength: 2, keyLength: 2, buckets: 30, maxDistance: 128) }
    }
}
