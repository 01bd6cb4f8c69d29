import Testing
@testable import Tensor

@Suite struct ShapeTests {
    @Test func broadcastFollowsNumPyRules() throws {
        #expect(try Shape.broadcast([2, 1, 3], [4, 1], op: "t") == [2, 4, 3])
        #expect(try Shape.broadcast([], [5], op: "t") == [5])
        #expect(throws: TensorError.self) { try Shape.broadcast([2, 3], [4, 3], op: "t") }
    }

    @Test func contiguousStridesAreRowMajor() {
        #expect(Shape.contiguousStrides([2, 3, 4]) == [12, 4, 1])
        #expect(Shape.contiguousStrides([]) == [])
    }
}
