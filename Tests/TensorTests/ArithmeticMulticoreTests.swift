import Testing
@testable import Tensor

/// Arithmetic large enough to be split across cores (≥ 2²⁰ elements, `Parallel.minimumParallelWork`
/// at one unit per element), which the JSON fixture is too small to reach. The oracle is one IEEE
/// f32 operation per element in a plain loop, so results must be identical, chunk boundaries and
/// SIMD tails included.
@Suite struct ArithmeticMulticoreTests {
    static let rows = 1031, columns = 1021  // 1 052 651 elements; odd sizes put chunk edges mid-SIMD-block

    /// Exact dyadic values, different for every element.
    static func values(_ count: Int, multiplier: Int, offset: Int) -> [Float] {
        (0..<count).map { Float(($0 * multiplier) % 1021 + offset) / 64 }
    }

    @Test func theShapeIsLargeEnoughToBeSplitAcrossCores() {
        #expect(Self.rows * Self.columns >= Parallel.minimumParallelWork)
    }

    static func expectIdentical(_ got: [Float], _ want: [Float], _ label: String) {
        let wrong = got.indices.filter { got[$0] != want[$0] }
        #expect(got.count == want.count && wrong.isEmpty,
                "\(label): \(wrong.count) of \(want.count) differ; first at \(wrong.first ?? -1): got \(wrong.first.map { got[$0] } ?? 0), expected \(wrong.first.map { want[$0] } ?? 0)")
    }

    @Test func contiguousAddSplitAcrossCoresEqualsScalarLoop() throws {
        let count = Self.rows * Self.columns
        let a = Self.values(count, multiplier: 37, offset: -510), b = Self.values(count, multiplier: 53, offset: -300)
        let sum = try Tensor(a, shape: [Self.rows, Self.columns]).add(Tensor(b, shape: [Self.rows, Self.columns]))
        Self.expectIdentical(try sum.floats(), zip(a, b).map { $0 + $1 }, "add")
    }

    @Test func broadcastDivSplitAcrossCoresEqualsScalarLoop() throws {
        let a = Self.values(Self.rows * Self.columns, multiplier: 41, offset: -500)
        let b = Self.values(Self.columns, multiplier: 7, offset: 1)  // all positive: no division by zero
        let quotient = try Tensor(a, shape: [Self.rows, Self.columns]).div(Tensor(b, shape: [Self.columns]))
        let want = a.indices.map { a[$0] / b[$0 % Self.columns] }
        Self.expectIdentical(try quotient.floats(), want, "div broadcast over rows")
    }

    @Test func columnBroadcastMulSplitAcrossCoresEqualsScalarLoop() throws {
        let a = Self.values(Self.rows * Self.columns, multiplier: 43, offset: -505)
        let b = Self.values(Self.rows, multiplier: 11, offset: -9)
        let product = try Tensor(a, shape: [Self.rows, Self.columns]).mul(Tensor(b, shape: [Self.rows, 1]))
        let want = a.indices.map { a[$0] * b[$0 / Self.columns] }
        Self.expectIdentical(try product.floats(), want, "mul broadcast over columns")
    }

    @Test func scalarReverseSubSplitAcrossCoresEqualsScalarLoop() throws {
        let a = Self.values(Self.rows * Self.columns, multiplier: 29, offset: -400)
        let result = try Tensor(a, shape: [Self.rows * Self.columns]).reverseSub(1)
        Self.expectIdentical(try result.floats(), a.map { 1 - $0 }, "rsub")
    }
}
