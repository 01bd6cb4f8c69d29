import Models
import NN
import Tensor
import Testing
import TestFixtures
import Tracer

/// Tracing every fixture checkpoint: one `linear` node per Linear/Conv1D call (or FalconLinear, a Linear under Falcon's name), scoped to that
/// module, and the same graph whether the weights are real or meta.
@Suite struct FixtureTraceTests {
    static let cases = Fixtures.searchCases + Fixtures.prunedCases

    @Test(arguments: cases)
    func everyLinearCallIsOneLinearNodeInItsModule(_ name: String) throws {
        let graph = try FixtureTraces.placeholderTrace(name, meta: false)
        let checkpoint = try Checkpoint(directory: Fixtures.model(name))
        let model = try Architectures.build(config: checkpoint.config, parameterNames: checkpoint.tensorNames)
        let linearModules = model.namedModules().filter { $0.module is Linear || $0.module is Conv1D }.map(\.path)
        let linearNodes = graph.nodes.filter { $0.op == .linear }
        // A module computing `F.linear` with its own weight (an MoE router) is a linear too.
        let ownWeight = { (node: Node) in node.inputs.count > 1 && graph.producer(of: node.inputs[1]).isParameter
            && graph.producer(of: node.inputs[1]).scope == node.scope }
        #expect(linearNodes.allSatisfy { ["Linear", "FalconLinear", "Conv1D"].contains($0.scope?.typeName ?? "") || ownWeight($0) },
                "\(name): a linear op ran outside a Linear/FalconLinear/Conv1D module with another module's weight")
        let calledPaths = linearNodes.compactMap { $0.scope?.path }
        #expect(calledPaths.count == Set(calledPaths).count, "\(name): a linear module ran twice")
        #expect(Set(linearModules).isSubset(of: calledPaths), "\(name): linear modules never called: \(Set(linearModules).subtracting(calledPaths))")
    }

    @Test(arguments: cases)
    func metaTraceEqualsRealTrace(_ name: String) throws {
        let real = try FixtureTraces.placeholderTrace(name, meta: false)
        let meta = try FixtureTraces.placeholderTrace(name, meta: true)
        #expect(meta.nodes.map(\.kind.name) == real.nodes.map(\.kind.name), "\(name): op sequences differ")
        #expect(meta.nodes.map(\.scope) == real.nodes.map(\.scope), "\(name): scopes differ")
        #expect(meta.values.map(\.shape) == real.values.map(\.shape), "\(name): shapes differ")
        #expect(meta.irLines() == real.irLines(), "\(name): IR differs")
    }
}
