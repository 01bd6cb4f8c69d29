import Foundation
import Testing
import Tensor
import TestFixtures
@testable import Models

/// Encoder fixtures outside the BERT family (MPNet): PyTorch's logits and module tree.
@Suite struct EncoderFamiliesTests {
    static let fixtures = ["mpnet"]

    @Test(arguments: fixtures)
    func logitsMatchPyTorchWithin1e4(fixture: String) throws {
        let comparison = try ReferenceChecks.logitsMatch(case: fixture)
        #expect(comparison.shape == comparison.expectedShape, "\(comparison)")
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
        print(comparison)
    }

    @Test(arguments: fixtures)
    func moduleTreeEqualsPyTorchNamedModules(fixture: String) throws {
        try ReferenceChecks.expectModuleTreeEqualsPyTorch(case: fixture)
    }
}
