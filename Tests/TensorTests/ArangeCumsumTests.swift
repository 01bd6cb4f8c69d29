import Testing
@testable import Tensor

@Suite struct ArangeCumsumTests {
    @Test func arangeCountsFromZeroInTheRequestedDType() throws {
        let ids = try Tensor.arange(5)
        #expect(ids.dtype == .i64 && ids.shape == [5])
        #expect(try ids.integers() == [0, 1, 2, 3, 4])
        #expect(try Tensor.arange(3, dtype: .f32).floats() == [0, 1, 2])
        #expect(try Tensor.arange(0).shape == [0])
        #expect(throws: TensorError.self) { try Tensor.arange(-1) }
    }

    @Test func arangeOnMetaHasTheShapeOnly() throws {
        let ids = try Tensor.arange(7, meta: true)
        #expect(ids.isMeta && ids.shape == [7])
    }

    @Test func cumsumRunsAlongTheAxisOfEachLine() throws {
        let x = try Tensor(integers: [1, 1, 0, 1, 0, 1, 1, 1], shape: [2, 4])
        #expect(try x.cumsum(axis: 1).floats() == [1, 2, 2, 3, 0, 1, 2, 3])
        #expect(try x.cumsum(axis: 0).floats() == [1, 1, 0, 1, 1, 2, 1, 2])
        #expect(try x.transpose(0, 1).cumsum(axis: -1).floats() == [1, 1, 1, 2, 0, 1, 1, 2])
        #expect(try Tensor.meta(shape: [3, 2]).cumsum(axis: 1).shape == [3, 2])
        #expect(throws: TensorError.self) { try x.cumsum(axis: 2) }
    }
}
