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

    @Test func mpnetBucketsMatchHuggingFacesRelativePositionBucket() {
        // PyTorch: relative_position_bucket(tensor([0, 1, 9, 20, 200, -3])) = [0, 17, 24, 26, 31, 3].
        let table = MPNetEncoder.bucketTable(length: 201)
        #expect([0, 1, 9, 20, 200].map { table[$0] } == [0, 17, 24, 26, 31])
        #expect(table[3 * 201] == 3)
    }
}
