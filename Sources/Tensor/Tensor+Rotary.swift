import Foundation

/// How rotary position embedding pairs up the dimensions it rotates.
public enum RotaryStyle: String, Sendable, Codable {
    /// LLaMA/Mistral/Qwen2: dimension `i` pairs with `i + d/2` (`rotate_half`).
    case halfRotation
    /// GPT-J: dimension `2i` pairs with `2i + 1` (`rotate_every_two`).
    case interleaved
}

extension Tensor {
    /// The cos and sin tables `[positions, rotaryDim]` for positions `0..<length` with frequencies
    /// `base^(−2i/rotaryDim)`, laid out for `style` (halves repeated, or each value repeated twice):
    /// `rotaryTables(length:inverseFrequencies:style:meta:)` with those frequencies, recorded with
    /// the base.
    public static func rotaryTables(length: Int, rotaryDim: Int, base: Double, style: RotaryStyle, meta: Bool = false) throws -> (cos: Tensor, sin: Tensor) {
        guard rotaryDim > 0, rotaryDim % 2 == 0 else {
            throw TensorError.invalidArgument(op: Op.rotaryTables.rawValue, detail: "rotary dimension must be positive and even, got \(rotaryDim)")
        }
        guard length >= 0 else {
            throw TensorError.invalidArgument(op: Op.rotaryTables.rawValue, detail: "length \(length) must not be negative")
        }
        let attributes: [String: OpAttribute] = ["length": .int(length), "dim": .int(rotaryDim), "base": .float(base), "style": .string(style.rawValue)]
        let outputs = try OpRecording.run(.rotaryTables, inputs: [], attributes: attributes) { () -> [Tensor] in
            // Recorded as this op (with its base); the inner op is not the outermost, so it is not.
            let inverseFrequencies = stride(from: 0, to: rotaryDim, by: 2).map { 1 / Foundation.pow(base, Double($0) / Double(rotaryDim)) }
            let tables = try rotaryTables(length: length, inverseFrequencies: inverseFrequencies, style: style, meta: meta)
            return [tables.cos, tables.sin]
        }
        return (outputs[0], outputs[1])
    }

    /// Rotary position embedding applied to `self` `[..., positions, headDim]` with tables
    /// `[positions, rotaryDim]`; the first `rotaryDim` dimensions rotate, the rest pass through
    /// (GPT-J's partial rotary). Positions are the second-to-last dimension.
    public func rotary(cos cosTable: Tensor, sin sinTable: Tensor, style: RotaryStyle) throws -> Tensor {
        try OpRecording.run(.rotary, inputs: [self, cosTable, sinTable], attributes: ["style": .string(style.rawValue)]) {
            guard rank >= 2, cosTable.rank == 2, cosTable.shape == sinTable.shape else {
                throw TensorError.shapeMismatch(op: Op.rotary.rawValue, detail: "input \(Shape.describe(shape)) needs [..., positions, dim] and tables of one 2-D shape, got \(Shape.describe(cosTable.shape)) and \(Shape.describe(sinTable.shape))")
            }
            let positions = shape[rank - 2], headDim = shape[rank - 1], rotaryDim = cosTable.shape[1]
            guard cosTable.shape[0] == positions, rotaryDim <= headDim, rotaryDim % 2 == 0 else {
                throw TensorError.shapeMismatch(op: Op.rotary.rawValue, detail: "tables \(Shape.describe(cosTable.shape)) do not fit input \(Shape.describe(shape))")
            }
            let result = Tensor.uninitialized(shape: shape, dtype: .f32, meta: isMeta || cosTable.isMeta || sinTable.isMeta)
            guard !result.isMeta, elementCount > 0 else { return result }
            let source = contiguousF32(), c = cosTable.contiguousF32(), s = sinTable.contiguousF32()
            let input = source.floatPointer(), output = result.floatPointer()
            let cosPointer = c.floatPointer(), sinPointer = s.floatPointer()
            let half = rotaryDim / 2
            let rows = elementCount / headDim
            Parallel.forRows(rows, costPerRow: headDim * 4) { range in
                for row in range {
                    let x = input + row * headDim, y = output + row * headDim
                    let position = row % positions
                    let cosRow = cosPointer + position * rotaryDim, sinRow = sinPointer + position * rotaryDim
                    for i in 0..<half {
                        let (first, second) = style == .halfRotation ? (i, i + half) : (2 * i, 2 * i + 1)
                        y[first] = x[first] * cosRow[first] - x[second] * sinRow[first]
                        y[second] = x[second] * cosRow[second] + x[first] * sinRow[second]
                    }
                    if rotaryDim < headDim { (y + rotaryDim).update(from: x + rotaryDim, count: headDim - rotaryDim) }
                }
            }
            return result
        }
    }
}
