import Testing
@testable import Tensor

/// The GEMM ops' reference cases (numpy results) on every backend this machine can run: the linked
/// OpenBLAS, a private OpenBLAS instance per other kernel the CPU supports (none when the
/// environment chose OpenBLAS's kernel), and oneDNN when installed.
@Suite struct GEMMBackendParityTests {
    static let backends = GEMM.availableBackends()
    static let cases = ReferenceFixture.caseNames(ops: ["linear", "matmul", "conv2d"])

    @Test(arguments: backends.map(\.description))
    func everyGEMMOpMatchesNumpyOnThisBackend(_ backend: String) throws {
        let chosen = try #require(Self.backends.first { $0.description == backend })
        try GEMM.withBackend(chosen) {
            #expect(GEMM.active == chosen)
            for name in Self.cases { try ReferenceFixture.check(name) }
        }
    }

    @Test func privateInstancesRunTheKernelTheyWereAskedFor() throws {
        for backend in Self.backends where backend.origin.hasSuffix("(private instance)") {
            let asked = try #require(OpenBLASCore.runnable(on: .current).first { $0.lowercased() == backend.kernel.lowercased() })
            #expect(GEMMBackend.privateOpenBLAS(core: asked) == backend)
        }
        #expect(Self.backends.first == GEMMBackend.linkedOpenBLAS)
        #expect(Self.cases.count >= 3)
    }

    @Test func aUserChosenKernelLoadsNoOtherOpenBLASKernel() {
        let pinned = GEMM.availableBackends(environment: [GEMMPolicy.coreTypeVariable: GEMMBackend.linkedOpenBLAS.kernel])
        #expect(pinned.first == GEMMBackend.linkedOpenBLAS)
        #expect(!pinned.contains { $0.origin.hasSuffix("(private instance)") }, "\(pinned)")
    }

    @Test func theOverrideIsLocalToTheTask() throws {
        let other = try #require(Self.backends.last)
        GEMM.withBackend(other) { #expect(GEMM.active == other) }
        #expect(GEMM.active == GEMM.selection.backend)
    }
}
