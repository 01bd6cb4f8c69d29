import Foundation
import Testing
@testable import Tensor

/// The C row kernels (Sources/CKernels) on inputs the JSON fixture does not reach: dense grids over
/// the whole useful range, rows long enough for the blocked reductions (64 partials) with and
/// without a remainder, and tensors large enough to be split across cores. The oracle is the
/// formula in Double; the bounds are the kernels' documented accuracy, well inside the fixture's
/// 1e-5.
@Suite struct KernelAccuracyTests {
    /// `count` values evenly spaced over `range`.
    static func grid(_ range: ClosedRange<Double>, _ count: Int) -> [Float] {
        (0..<count).map { Float(range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(count - 1)) }
    }

    /// Deterministic values in [-scale, scale), different for every element.
    static func values(_ count: Int, seed: Int, scale: Float) -> [Float] {
        (0..<count).map { scale * (Float(($0 * 7919 + seed * 104_729) % 20_011) / 10_005.5 - 1) }
    }

    /// Fails naming the worst element unless every `|got − want| ≤ abs + rel·|want|`.
    static func expectClose(_ got: [Float], _ want: [Double], abs: Double, rel: Double, _ label: String) {
        var worst = -1, worstExcess = 0.0, maxAbs = 0.0
        for index in want.indices {
            let error = Swift.abs(Double(got[index]) - want[index])
            maxAbs = max(maxAbs, error)
            let excess = error - (abs + rel * Swift.abs(want[index]))
            if excess > worstExcess { (worst, worstExcess) = (index, excess) }
        }
        #expect(got.count == want.count && worst < 0,
                "\(label): max abs error \(maxAbs); worst at \(worst): got \(worst >= 0 ? got[worst] : 0), expected \(worst >= 0 ? want[worst] : 0)")
    }

    @Test func geluErfIsWithin2e6OfTheErfFormulaFromMinus12To12() throws {
        let x = Self.grid(-12...12, 200_001)
        let got = try Tensor(x, shape: [x.count]).gelu().floats()
        Self.expectClose(got, x.map { 0.5 * Double($0) * (1 + erf(Double($0) / 2.0.squareRoot())) }, abs: 2e-6, rel: 2e-6, "gelu erf")
    }

    @Test func geluTanhSiluSigmoidTanhAreWithin1e6RelativeOfTheirFormulas() throws {
        let x = Self.grid(-30...30, 120_001)
        let input = try Tensor(x, shape: [x.count])
        let d = x.map(Double.init)
        let sigmoid = { (v: Double) in 1 / (1 + Foundation.exp(-v)) }
        Self.expectClose(try input.gelu(approximate: .tanh).floats(),
                         d.map { 0.5 * $0 * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) },
                         abs: 1e-7, rel: 1e-6, "gelu tanh")
        Self.expectClose(try input.silu().floats(), d.map { $0 * sigmoid($0) }, abs: 1e-7, rel: 1e-6, "silu")
        Self.expectClose(try input.sigmoid().floats(), d.map(sigmoid), abs: 1e-7, rel: 1e-6, "sigmoid")
        Self.expectClose(try input.tanh().floats(), d.map(Foundation.tanh), abs: 2e-7, rel: 1e-6, "tanh")
    }

    @Test(arguments: [128, 3072, 3100, 63, 1])
    func softmaxOfLongAndOddRowsMatchesDouble(columns: Int) throws {
        let rows = 37
        let x = Self.values(rows * columns, seed: columns, scale: 30)
        let got = try Tensor(x, shape: [rows, columns]).softmax().floats()
        var want: [Double] = []
        for row in 0..<rows {
            let line = x[(row * columns)..<((row + 1) * columns)].map(Double.init)
            let top = line.max()!
            let e = line.map { Foundation.exp($0 - top) }
            let sum = e.reduce(0, +)
            want += e.map { $0 / sum }
        }
        Self.expectClose(got, want, abs: 1e-8, rel: 2e-6, "softmax [\(rows), \(columns)]")
    }

    @Test(arguments: [768, 3072, 3100, 100, 7])
    func layerNormAndRMSNormOfLongAndOddRowsMatchDouble(columns: Int) throws {
        let rows = 29
        let x = Self.values(rows * columns, seed: columns, scale: 5).map { $0 + 3 }  // a mean far from 0
        let w = Self.values(columns, seed: 1, scale: 1), b = Self.values(columns, seed: 2, scale: 1)
        let input = try Tensor(x, shape: [rows, columns])
        let weight = try Tensor(w, shape: [columns]), bias = try Tensor(b, shape: [columns])
        var layer: [Double] = [], rms: [Double] = []
        for row in 0..<rows {
            let line = x[(row * columns)..<((row + 1) * columns)].map(Double.init)
            let mean = line.reduce(0, +) / Double(columns)
            let variance = line.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(columns)
            let meanSquare = line.map { $0 * $0 }.reduce(0, +) / Double(columns)
            for (index, value) in line.enumerated() {
                layer.append((value - mean) / (variance + 1e-5).squareRoot() * Double(w[index]) + Double(b[index]))
                rms.append(value / (meanSquare + 1e-6).squareRoot() * Double(w[index]))
            }
        }
        Self.expectClose(try input.layerNorm(weight: weight, bias: bias, eps: 1e-5).floats(), layer, abs: 5e-6, rel: 5e-6, "layer_norm [\(rows), \(columns)]")
        Self.expectClose(try input.rmsNorm(weight: weight, eps: 1e-6).floats(), rms, abs: 5e-6, rel: 5e-6, "rms_norm [\(rows), \(columns)]")
    }

    @Test func kernelsSplitAcrossCoresGiveTheSameValuesAsOneCall() throws {
        // [257, 4099] is above the split threshold for gelu, softmax and layer_norm; each row (or
        // element) is computed by the same code whichever thread runs it, so the split result must
        // equal the kernel run on each row alone.
        let rows = 257, columns = 4099
        #expect(rows * columns * 3 >= Parallel.minimumParallelWork)
        let x = Self.values(rows * columns, seed: 3, scale: 6)
        let whole = try Tensor(x, shape: [rows, columns])
        let gelu = try whole.gelu().floats(), softmax = try whole.softmax().floats()
        let norm = try whole.layerNorm(weight: nil, bias: nil, eps: 1e-5).floats()
        for row in [0, 1, 128, 255, 256] {
            let line = try Tensor(Array(x[(row * columns)..<((row + 1) * columns)]), shape: [1, columns])
            let range = (row * columns)..<((row + 1) * columns)
            #expect(Array(gelu[range]) == (try line.gelu().floats()), "gelu row \(row)")
            #expect(Array(softmax[range]) == (try line.softmax().floats()), "softmax row \(row)")
            #expect(Array(norm[range]) == (try line.layerNorm(weight: nil, bias: nil, eps: 1e-5).floats()), "layer_norm row \(row)")
        }
    }
}
