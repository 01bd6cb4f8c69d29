import Foundation
import Testing
@testable import Tensor

@Suite struct RotaryFrequencyTablesTests {
    @Test(arguments: [RotaryStyle.halfRotation, .interleaved])
    func baseFrequenciesGiveTheSameTablesAsTheBaseForm(style: RotaryStyle) throws {
        let dimension = 8
        let frequencies = stride(from: 0, to: dimension, by: 2).map { 1 / pow(10_000.0, Double($0) / Double(dimension)) }
        let explicit = try Tensor.rotaryTables(length: 6, inverseFrequencies: frequencies, style: style)
        let fromBase = try Tensor.rotaryTables(length: 6, rotaryDim: dimension, base: 10_000, style: style)
        #expect(explicit.cos.shape == [6, 8])
        for (a, b) in zip(try explicit.cos.floats() + explicit.sin.floats(), try fromBase.cos.floats() + fromBase.sin.floats()) {
            #expect(abs(a - b) < 1e-6)
        }
    }

    @Test func scaledFrequenciesScaleTheAngles() throws {
        let tables = try Tensor.rotaryTables(length: 3, inverseFrequencies: [0.5, 0.25], style: .halfRotation)
        let cos = try tables.cos.floats(), sin = try tables.sin.floats()
        // Position 2: angles 1.0 and 0.5, each repeated in the second half.
        #expect(abs(cos[8] - Foundation.cos(1)) < 1e-6 && abs(cos[10] - Foundation.cos(1)) < 1e-6)
        #expect(abs(sin[9] - Foundation.sin(0.5)) < 1e-6 && abs(sin[11] - Foundation.sin(0.5)) < 1e-6)
    }

    @Test func metaTablesHaveShapesOnly() throws {
        let tables = try Tensor.rotaryTables(length: 131_072, inverseFrequencies: Array(repeating: 0, count: 64), style: .halfRotation, meta: true)
        #expect(tables.cos.isMeta && tables.sin.isMeta)
        #expect(tables.sin.shape == [131_072, 128])
    }

    @Test func noFrequenciesIsAnError() {
        #expect(throws: TensorError.self) { try Tensor.rotaryTables(length: 2, inverseFrequencies: [], style: .halfRotation) }
    }
}
