import Foundation
import Testing
@testable import Tensor

/// Every Tensor op against numpy/scipy results (`Fixtures/op_reference.json`); each fixture case
/// is one argument, so a failure names the case with its max abs and rel error.
@Suite struct OpsReferenceTests {
    /// The fixture's ops, grouped as the tests below take them.
    enum Family: String, CaseIterable {
        case linear, matmul, arithmetic, activations, softmax, normalization, embedding, gather, conv2d, rotary, masks, reductions,
             conversion, views

        var ops: Set<String> {
            switch self {
            case .linear: ["linear"]
            case .matmul: ["matmul"]
            case .arithmetic: ["add", "sub", "mul", "div", "rsub"]
            case .activations: ["gelu", "silu", "relu", "tanh", "sigmoid", "dropout"]
            case .softmax: ["softmax"]
            case .normalization: ["layer_norm", "rms_norm"]
            case .embedding: ["embedding"]
            case .gather: ["gather"]
            case .conv2d: ["conv2d"]
            case .rotary: ["rotary", "rotary_tables"]
            case .masks: ["causal_mask", "padding_mask", "masked_fill", "where"]
            case .reductions: ["sum", "mean", "argmax"]
            case .conversion: ["to"]
            case .views: ["contiguous", "permute", "transpose", "narrow", "select", "expand", "reshape", "unsqueeze", "squeeze",
                          "flatten", "concat", "split", "chunk"]
            }
        }

        var caseNames: [String] { ReferenceFixture.caseNames(ops: ops) }
    }

    @Test(arguments: Family.linear.caseNames)
    func linearMatchesNumpyInBothWeightLayouts(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.matmul.caseNames)
    func matmulMatchesNumpyWithBroadcastAndStridedOperands(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.arithmetic.caseNames)
    func broadcastArithmeticMatchesNumpy(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.activations.caseNames)
    func activationsMatchScipy(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.softmax.caseNames)
    func softmaxMatchesScipyIncludingMaskedAndHugeInputs(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.normalization.caseNames)
    func layerAndRMSNormMatchNumpy(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.embedding.caseNames)
    func embeddingGathersTheIndexedRows(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.gather.caseNames)
    func gatherPicksAlongOneDimLikeTakeAlongAxis(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.conv2d.caseNames)
    func conv2dMatchesScipyCorrelation(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.rotary.caseNames)
    func rotaryMatchesLlamaAndGPTJFormulas(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.masks.caseNames)
    func masksAndWhereMatchNumpy(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.reductions.caseNames)
    func reductionsMatchNumpyWithKeepDim(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.conversion.caseNames)
    func dtypeConversionMatchesNumpyRounding(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test(arguments: Family.views.caseNames)
    func viewsAndJoinsReproduceNumpyIndexing(_ name: String) throws { try ReferenceFixture.check(name) }

    @Test func everyFixtureCaseIsRunByOneOfTheTestsAbove() throws {
        let covered = Family.allCases.reduce(into: Set<String>()) { $0.formUnion($1.ops) }
        let fixtureOps = Set(try ReferenceFixture.cases().map(\.op))
        #expect(fixtureOps.subtracting(covered).isEmpty, "fixture ops no test runs: \(fixtureOps.subtracting(covered).sorted())")
        #expect(covered.subtracting(fixtureOps).isEmpty, "ops without a fixture case: \(covered.subtracting(fixtureOps).sorted())")
        #expect(covered == ReferenceOps.ops, "ReferenceOps knows \(ReferenceOps.ops.symmetricDifference(covered).sorted()) differently")
    }
}
