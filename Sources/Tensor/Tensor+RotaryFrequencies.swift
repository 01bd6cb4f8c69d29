import Foundation

extension Tensor {
    /// The cos and sin tables `[length, 2·inverseFrequencies.count]` for positions `0..<length`
    /// from explicit inverse frequencies, one per rotated pair, laid out for `style` (halves
    /// repeated, or each value repeated twice). This is the entry point for scaled RoPE variants
    /// (linear, LLaMA 3) whose frequencies are not `base^(−2i/d)`; angles are computed in f32 as
    /// Hugging Face does (`position · inv_freq`).
    public static func rotaryTables(length: Int, inverseFrequencies: [Double], style: RotaryStyle, meta: Bool = false) throws -> (cos: Tensor, sin: Tensor) {
        let half = inverseFrequencies.count
        guard half > 0, length >= 0 else {
            throw TensorError.invalidArgument(op: Op.rotaryTables.rawValue, detail: "needs at least one inverse frequency and a non-negative length, got \(half) and \(length)")
        }
        let rotaryDim = 2 * half
        let attributes: [String: OpAttribute] = ["length": .int(length), "dim": .int(rotaryDim), "style": .string(style.rawValue),
                                                 "inverse_frequencies": .floats(inverseFrequencies)]
        let outputs = try OpRecording.run(.rotaryTables, inputs: [], attributes: attributes) { () -> [Tensor] in
            let cosTable = Tensor.uninitialized(shape: [length, rotaryDim], dtype: .f32, meta: meta)
            let sinTable = Tensor.uninitialized(shape: [length, rotaryDim], dtype: .f32, meta: meta)
            guard !meta else { return [cosTable, sinTable] }
            let frequencies = inverseFrequencies.map { Float($0) }
            let c = cosTable.floatPointer(), s = sinTable.floatPointer()
            for position in 0..<length {
                for i in 0..<half {
                    let angle = Float(position) * frequencies[i]
                    let (cosValue, sinValue) = (Foundation.cos(angle), Foundation.sin(angle))
                    let (first, second) = style == .halfRotation ? (i, i + half) : (2 * i, 2 * i + 1)
                    c[position * rotaryDim + first] = cosValue; c[position * rotaryDim + second] = cosValue
                    s[position * rotaryDim + first] = sinValue; s[position * rotaryDim + second] = sinValue
                }
            }
            return [cosTable, sinTable]
        }
        return (outputs[0], outputs[1])
    }
}
