import Testing
@testable import Tensor

/// Meta mode (shape-only tensors) must follow the same shape and dtype rules as the real ops, so a
/// traced graph of a huge model has the shapes a real forward pass would have.
@Suite struct MetaTensorTests {
    @Test(arguments: ReferenceFixture.caseNames())
    func metaRunGivesTheRealRunsShapesAndDTypes(_ name: String) throws {
        let reference = try ReferenceFixture.case(named: name)
        let real = try ReferenceOps.run(reference, meta: false)
        let meta = try ReferenceOps.run(reference, meta: true)
        #expect(meta.count == real.count, "\(name): \(meta.count) meta outputs, \(real.count) real ones")
        for (index, (m, r)) in zip(meta, real).enumerated() {
            #expect(m.isMeta, "\(name) output \(index) has data in meta mode")
            #expect(m.shape == r.shape, "\(name) output \(index): meta shape \(Shape.describe(m.shape)), real \(Shape.describe(r.shape))")
            #expect(m.dtype == r.dtype, "\(name) output \(index): meta dtype \(m.dtype.rawValue), real \(r.dtype.rawValue)")
        }
    }

    @Test func metaTensorsRefuseToGiveData() throws {
        let meta = Tensor.meta(shape: [2, 3])
        for attempt in [{ _ = try meta.floats() }, { _ = try meta.integers() }, { _ = try meta.withContiguousBytes { $0.count } }] {
            #expect(throws: TensorError.self) { try attempt() }
        }
        #expect(throws: TensorError.metaTensorHasNoData(op: "floats")) { try meta.floats() }
    }

    @Test func oneMetaOperandMakesTheResultMeta() throws {
        let real = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let weight = Tensor.meta(shape: [4, 3])
        let output = try real.linear(weight: weight)
        #expect(output.isMeta && output.shape == [2, 4])
        #expect(try real.add(Tensor.meta(shape: [3])).isMeta)
    }
}
