import Testing
@testable import Tensor

@Suite struct CumsumComparisonTests {
    @Test func cumsumRunsAlongTheAxisInF32() throws {
        let ids = try Tensor(integers: [1, 0, 2, 3, 1, 1], shape: [2, 3])
        let rows = try ids.cumsum(axis: 1)
        #expect(rows.dtype == .f32)
        #expect(try rows.integers() == [1, 1, 3, 3, 4, 5])
        #expect(try ids.cumsum(axis: 0).integers() == [1, 0, 2, 4, 1, 3])
        let floats = try Tensor([0.5, 1.5, -1], shape: [3]).cumsum(axis: -1)
        #expect(floats.dtype == .f32)
        #expect(try floats.floats() == [0.5, 2, 1])
    }

    @Test func cumsumOfAStridedViewFollowsTheView() throws {
        let matrix = try Tensor(integers: [1, 2, 3, 4, 5, 6], shape: [2, 3]).transpose(0, 1)
        #expect(try matrix.cumsum(axis: 1).integers() == [1, 5, 2, 7, 3, 9])
    }

    @Test func notEqualGivesBoolFlags() throws {
        let flags = try Tensor(integers: [0, 1, 2, 1], shape: [1, 4]).notEqual(1)
        #expect(flags.dtype == .bool)
        #expect(try flags.integers() == [1, 0, 1, 0])
    }

    @Test func metaInputsGiveMetaOutputsOfTheSameShape() throws {
        let ids = Tensor.meta(shape: [3, 5], dtype: .i64)
        let flags = try ids.notEqual(0)
        #expect(flags.isMeta && flags.shape == [3, 5] && flags.dtype == .bool)
        let sums = try flags.cumsum(axis: 1)
        #expect(sums.isMeta && sums.shape == [3, 5] && sums.dtype == .f32)
        #expect(throws: TensorError.self) { try ids.cumsum(axis: 2) }
    }
}
