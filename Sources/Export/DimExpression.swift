/// A size the trace recorded as a number, as the exported graph computes it from the input's
/// dynamic dimensions: `constant + batch·B + sequence·S + product·B·S` (what torch.onnx's dynamic
/// shapes build from `Shape`, `Gather`, `Mul` and `Add` nodes).
struct DimExpression: Hashable, Sendable, CustomStringConvertible {
    var constant: Int
    var batch = 0
    var sequence = 0
    var product = 0

    init(constant: Int, batch: Int = 0, sequence: Int = 0, product: Int = 0) {
        self.constant = constant
        self.batch = batch
        self.sequence = sequence
        self.product = product
    }

    /// The dynamic batch size `B`.
    static let batchSize = DimExpression(constant: 0, batch: 1)
    /// The dynamic sequence length `S`.
    static let sequenceLength = DimExpression(constant: 0, sequence: 1)

    /// True when the size is the same at every input size.
    var isConstant: Bool { batch == 0 && sequence == 0 && product == 0 }

    /// The size at batch `b` and length `s`.
    func value(at point: DimPoint) -> Int {
        constant + batch * point.batch + sequence * (point.sequence ?? 0) + product * point.batch * (point.sequence ?? 0)
    }

    static func + (lhs: DimExpression, rhs: DimExpression) -> DimExpression {
        DimExpression(constant: lhs.constant + rhs.constant, batch: lhs.batch + rhs.batch,
                      sequence: lhs.sequence + rhs.sequence, product: lhs.product + rhs.product)
    }

    static func - (lhs: DimExpression, rhs: DimExpression) -> DimExpression {
        lhs + DimExpression(constant: -rhs.constant, batch: -rhs.batch, sequence: -rhs.sequence, product: -rhs.product)
    }

    /// The expression that takes `values[i]` at `points[i]` (the points `DimPoint.variants` makes:
    /// the traced size first, then another batch, and with a sequence axis another length and
    /// both), or nil when no integer expression does.
    static func fit(_ values: [Int], at points: [DimPoint]) -> DimExpression? {
        guard values.count == points.count, let first = values.first else { return nil }
        if values.allSatisfy({ $0 == first }) { return DimExpression(constant: first) }
        let (b0, b1) = (points[0].batch, points[1].batch)
        var fitted: DimExpression
        if points.count == 2 {
            let delta = values[1] - values[0]
            guard delta % (b1 - b0) == 0 else { return nil }
            let batch = delta / (b1 - b0)
            fitted = DimExpression(constant: values[0] - batch * b0, batch: batch)
        } else {
            guard points.count == 4, let s0 = points[0].sequence, let s1 = points[2].sequence else { return nil }
            // values: (b0, s0), (b1, s0), (b0, s1), (b1, s1).
            let mixed = values[3] - values[2] - values[1] + values[0]
            guard mixed % ((b1 - b0) * (s1 - s0)) == 0 else { return nil }
            let product = mixed / ((b1 - b0) * (s1 - s0))
            let batchDelta = values[1] - values[0] - product * (b1 - b0) * s0
            let sequenceDelta = values[2] - values[0] - product * b0 * (s1 - s0)
            guard batchDelta % (b1 - b0) == 0, sequenceDelta % (s1 - s0) == 0 else { return nil }
            let batch = batchDelta / (b1 - b0), sequence = sequenceDelta / (s1 - s0)
            fitted = DimExpression(constant: values[0] - batch * b0 - sequence * s0 - product * b0 * s0,
                                   batch: batch, sequence: sequence, product: product)
        }
        return zip(values, points).allSatisfy { fitted.value(at: $1) == $0 } ? fitted : nil
    }

    var description: String {
        var terms: [String] = []
        if product != 0 { terms.append("\(product)·B·S") }
        if batch != 0 { terms.append("\(batch)·B") }
        if sequence != 0 { terms.append("\(sequence)·S") }
        if constant != 0 || terms.isEmpty { terms.append(String(constant)) }
        return terms.joined(separator: " + ")
    }
}

/// An input size the model is traced at: a batch size and, for token inputs, a sequence length.
struct DimPoint: Hashable, Sendable {
    var batch: Int
    var sequence: Int?

    /// The traced size first, then the sizes the variant traces run at: another batch and, with a
    /// sequence axis, another length and both (in `DimExpression.fit`'s order).
    static func variants(of traced: DimPoint) -> [DimPoint] {
        let otherBatch = traced.batch + 1
        guard let length = traced.sequence else { return [traced, DimPoint(batch: otherBatch)] }
        let otherLength = length > 4 ? length - 3 : length + 3
        return [traced, DimPoint(batch: otherBatch, sequence: length),
                DimPoint(batch: traced.batch, sequence: otherLength), DimPoint(batch: otherBatch, sequence: otherLength)]
    }
}
