import NN
import Searchers
import Tensor
import Testing
import Tracer

/// Models built here from the generic layers get the findings the rules predict.
@Suite struct GenericModelSearchTests {
    /// `head(fc2(relu(fc1(x))) + x)`: fc1 → fc2 is a clean pair, fc2 → head is joined by the residual
    /// `+ x`; with `residualOnHidden`, `relu(fc1(x)) + x` joins fc1's channels too.
    final class Block: Module {
        let fc1: Linear, act: Activation, fc2: Linear, head: Linear
        let residualOnHidden: Bool

        init(width: Int, hidden: Int, residualOnHidden: Bool) {
            self.residualOnHidden = residualOnHidden
            fc1 = Linear(inFeatures: width, outFeatures: residualOnHidden ? width : hidden)
            act = Activation(.relu, typeName: "ReLU")
            fc2 = Linear(inFeatures: residualOnHidden ? width : hidden, outFeatures: width)
            head = Linear(inFeatures: width, outFeatures: 3)
            super.init(typeName: "Block")
            register("fc1", fc1)
            register("act", act)
            register("fc2", fc2)
            register("head", head)
        }

        func forward(_ x: Tensor) throws -> Tensor {
            try scoped {
                var hidden = try act(fc1(x))
                if residualOnHidden { hidden = try hidden + x }
                return try head(fc2(hidden) + x)
            }
        }
    }

    static func search(_ block: Block, width: Int) throws -> SearchReport {
        let input = Tensor.meta(shape: [1, 5, width])
        let trace = TraceSearcher(model: block, graph: try Tracer.trace(model: block, inputs: [("x", input)]) { try block.forward($0[0]) }.graph)
        return try SearchReport(trace: trace, explain: true)
    }

    @Test func plainMLPPairIsFoundAndSafe() throws {
        let report = try Self.search(Block(width: 8, hidden: 32, residualOnHidden: false), width: 8)
        let findings = try #require(report.linear2linear)
        #expect(findings.map(\.rootLinear) == ["fc2", "head"])
        #expect(findings.map(\.targetFrontierLinears) == [["fc1"], ["fc2"]])
        #expect(findings.map(\.safe) == [true, false])
        #expect(findings.first?.explain?.path == ["linear at fc1", "relu at act", "linear at fc2"])
        #expect(findings.last?.explain?.unsafeBecause == "add at <root>")
        #expect(report.head == "head")
    }

    @Test func residualJoiningTheCoupledChannelsIsUnsafeAndNamesTheAdd() throws {
        let report = try Self.search(Block(width: 8, hidden: 32, residualOnHidden: true), width: 8)
        let finding = try #require(report.linear2linear?.first { $0.rootLinear == "fc2" })
        #expect(finding.targetFrontierLinears == ["fc1"])
        #expect(finding.safe == false)
        #expect(finding.explain?.unsafeBecause == "add at <root>")
    }

    @Test func linearsThatAreNotRootsSayWhereTheWalkStopped() throws {
        let report = try Self.search(Block(width: 8, hidden: 32, residualOnHidden: false), width: 8)
        let stopped = try #require(report.stoppedLinears)
        #expect(stopped.map(\.linear) == ["fc1"])
        #expect(stopped.first?.stoppedAt == "input at <outside every module>")
    }

    @Test func modelWithoutAttentionOrPairsReportsNone() throws {
        let single = Linear(inFeatures: 4, outFeatures: 2)
        let trace = TraceSearcher(model: single, graph: try Tracer.trace(model: single, inputs: [("x", .meta(shape: [1, 4]))]) { try single($0[0]) }.graph)
        let report = try SearchReport(trace: trace)
        #expect(report.linear2linear == [])
        #expect(report.mha == [])
        #expect(report.head == "")
    }

    @Test func incPlaceholderRuleFollowsTheFirstParameterRank() {
        #expect(TraceSearcher.incPlaceholder(for: Linear(inFeatures: 4, outFeatures: 2)).shape == [1, 16])
        let conv = Conv2d(inChannels: 3, outChannels: 8, kernelSize: (3, 3))
        #expect(TraceSearcher.incPlaceholder(for: conv).shape == [1, 3, 512, 512])
        #expect(TraceSearcher.incPlaceholder(for: conv).dtype == .f32)
        #expect(TraceSearcher.incPlaceholder(for: Dropout(probability: 0.1)).warning != nil)
    }

    @Test func commonModuleIsTheLongestCommonDottedPrefix() {
        #expect(ModulePaths.commonModule("bert.encoder.layer.0.attention.self.query", "bert.encoder.layer.0.attention.self.value") == "bert.encoder.layer.0.attention.self")
        #expect(ModulePaths.commonModule("a.b", "c.d") == "")
        #expect(ModulePaths.commonModule("layer.1.x", "layer.10.x") == "layer")
    }

    @Test func attributeLookupNamesTheMissingPart() throws {
        let block = Block(width: 4, hidden: 8, residualOnHidden: false)
        #expect(try ModulePaths.attribute(of: block, path: "fc1") === block.fc1)
        #expect { try ModulePaths.attribute(of: block, path: "fc1.nothing") } throws: { error in
            error.localizedDescription.contains("nothing") && error.localizedDescription.contains("fc1")
        }
    }
}
