@testable import Export
import Testing

/// Sizes recorded at several input sizes become the expression of `B` and `S` that gives them all.
@Suite struct DimExpressionTests {
    let points = DimPoint.variants(of: DimPoint(batch: 1, sequence: 16))

    @Test func fitsConstantsLengthsProductsAndOffsets() {
        func fit(_ expression: DimExpression) -> DimExpression? {
            DimExpression.fit(points.map(expression.value), at: points)
        }
        let cases = [DimExpression(constant: 64), .sequenceLength, .batchSize,
                     DimExpression(constant: 2, sequence: 1), DimExpression(constant: 0, product: 4),
                     DimExpression(constant: -1, batch: 3, sequence: -2, product: 1)]
        for expression in cases { #expect(fit(expression) == expression, "\(expression)") }
    }

    @Test func refusesSizesNoIntegerExpressionGives() {
        // Half the length: 8 at 16 tokens, 6 at 13.
        let halves = points.map { ($0.sequence ?? 0) / 2 }
        #expect(DimExpression.fit(halves, at: points) == nil)
    }

    @Test func batchOnlyPointsFitTheBatch() {
        let imagePoints = DimPoint.variants(of: DimPoint(batch: 2))
        #expect(imagePoints.count == 2)
        #expect(DimExpression.fit(imagePoints.map { 197 * $0.batch }, at: imagePoints) == DimExpression(constant: 0, batch: 197))
    }
}
