import Testing
import Tensor

/// `topk` and `routed_linear`, the ops of routed experts, against direct computation.
@Suite struct RoutedLinearTests {
    @Test func topkGivesTheLargestValuesLargestFirstWithTheirPositions() throws {
        let x = try Tensor([0.1, 0.7, 0.2, 0.5, 3, 1, 2, 0], shape: [2, 4])
        let (values, indices) = try x.topk(2)
        #expect(try values.floats() == [0.7, 0.5, 3, 2])
        #expect(try indices.integers() == [1, 3, 0, 2])
    }

    @Test func routedLinearMultipliesEachSlotByItsExpertsMatrix() throws {
        // 3 experts of [out 2, in 3]; 2 tokens routed to (2, 0) and (1, 2).
        let weights = (0..<18).map { Float($0) / 10 - 0.5 }
        let weight = try Tensor(weights, shape: [3, 2, 3])
        let x = try Tensor([1, 2, 3, -1, 0, 1], shape: [2, 3])
        let experts = try Tensor(integers: [2, 0, 1, 2], shape: [2, 2])
        let output = try x.routedLinear(weight: weight, experts: experts)
        #expect(output.shape == [2, 2, 2])
        var expected: [Float] = []
        for (token, expert) in [(0, 2), (0, 0), (1, 1), (1, 2)] {
            let matrix = try weight.select(0, expert)
            expected += try x.select(0, token).unsqueeze(0).linear(weight: matrix).floats()
        }
        #expect(zip(try output.floats(), expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(throws: (any Error).self) { try x.routedLinear(weight: weight, experts: Tensor(integers: [3, 0, 1, 2], shape: [2, 2])) }
    }
}
