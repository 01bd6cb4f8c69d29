import Testing
@testable import Tensor

/// `GEMMPolicy.choose`: the kernel and library from CPU features, the linked OpenBLAS's kernel and
/// an environment given as a dictionary (no variable of the process is set); and `OpenBLASCore`'s feature → kernel map.
@Suite struct GEMMPolicyTests {
    static let zen5: CPUFeatures = [.avx, .avx2, .fma, .avx512f, .avx512bw, .avx512dq, .avx512vl, .avx512bf16]
    static let skylakeX: CPUFeatures = [.avx, .avx2, .fma, .avx512f, .avx512bw, .avx512dq, .avx512vl]
    static let haswell: CPUFeatures = [.avx, .avx2, .fma]

    @Test func featuresMapToOpenBLASsBestKernel() {
        #expect(OpenBLASCore.best(for: Self.zen5) == "Cooperlake")
        #expect(OpenBLASCore.best(for: Self.skylakeX) == "SkylakeX")
        #expect(OpenBLASCore.best(for: Self.haswell) == "Haswell")
        #expect(OpenBLASCore.best(for: [.avx, .avx2]) == "Sandybridge") // AVX2 without FMA
        #expect(OpenBLASCore.best(for: [.avx512f, .avx2, .fma]) == "Haswell") // AVX-512F alone is not SkylakeX's set
        #expect(OpenBLASCore.best(for: []) == "Prescott")
        #expect(OpenBLASCore.runnable(on: Self.haswell) == ["Prescott", "Haswell"])
        #expect(OpenBLASCore.level(of: "ZEN") == OpenBLASCore.level(of: "Haswell"))
    }

    @Test func aGenericLinkedKernelIsReplacedByAPrivateInstanceOfTheBestOne() {
        let plan = GEMMPolicy.choose(features: Self.skylakeX, linkedCore: "Prescott", environment: [:])
        #expect(plan.library == .openblas && plan.openBLASCore == "SkylakeX" && plan.oneDNNMayCompete)
        #expect(plan.reason.contains("Prescott") && plan.reason.contains("SkylakeX"))
    }

    @Test func theLinkedKernelStaysWhenItIsAlreadyTheBest() {
        let plan = GEMMPolicy.choose(features: Self.zen5, linkedCore: "Cooperlake", environment: ["PATH": "/bin"])
        #expect(plan.library == .openblas && plan.openBLASCore == nil && plan.oneDNNMayCompete)
        // A kernel better than the CPU's best (misdetection) is not "improved" downwards either.
        #expect(GEMMPolicy.choose(features: Self.haswell, linkedCore: "SkylakeX", environment: [:]).openBLASCore == nil)
    }

    @Test func aUserSetCoreTypeIsObeyedAndOneDNNDoesNotCompete() {
        for core in ["Prescott", "Haswell"] {
            let plan = GEMMPolicy.choose(features: Self.zen5, linkedCore: core, environment: [GEMMPolicy.coreTypeVariable: core])
            #expect(plan == GEMMPlan(library: .openblas, openBLASCore: nil, oneDNNMayCompete: false,
                                     reason: "\(GEMMPolicy.coreTypeVariable)=\(core) set by the user: obeyed"))
        }
        // An empty value is no choice.
        #expect(GEMMPolicy.choose(features: Self.zen5, linkedCore: "Prescott", environment: [GEMMPolicy.coreTypeVariable: ""]).openBLASCore == "Cooperlake")
    }

    @Test func slimtraceGEMMWinsOverEverythingElse() {
        let oneDNN = GEMMPolicy.choose(features: Self.haswell, linkedCore: "Prescott",
                                       environment: [GEMMPolicy.libraryVariable: "oneDNN", GEMMPolicy.coreTypeVariable: "Prescott"])
        #expect(oneDNN.library == .onednn && oneDNN.openBLASCore == nil && !oneDNN.oneDNNMayCompete)
        let openBLAS = GEMMPolicy.choose(features: Self.haswell, linkedCore: "Prescott", environment: [GEMMPolicy.libraryVariable: "openblas"])
        #expect(openBLAS.library == .openblas && openBLAS.openBLASCore == "Haswell" && !openBLAS.oneDNNMayCompete)
        // OpenBLAS by name still obeys the user's kernel.
        let obeyed = GEMMPolicy.choose(features: Self.haswell, linkedCore: "Prescott",
                                       environment: [GEMMPolicy.libraryVariable: "openblas", GEMMPolicy.coreTypeVariable: "Prescott"])
        #expect(obeyed.openBLASCore == nil && obeyed.reason.hasSuffix("obeyed"))
    }

    @Test func anUnknownLibraryNameIsSaidAndIgnored() {
        let plan = GEMMPolicy.choose(features: Self.skylakeX, linkedCore: "Prescott", environment: [GEMMPolicy.libraryVariable: "mkl"])
        #expect(plan.library == .openblas && plan.openBLASCore == "SkylakeX" && plan.oneDNNMayCompete)
        #expect(plan.reason.hasPrefix("SLIMTRACE_GEMM=mkl is not one of openblas, onednn, ignored"))
    }

    @Test func thisMachinesFeaturesIncludeWhatItsLinkedKernelNeeds() {
        // The linked OpenBLAS runs its kernel here, so the CPU has at least that kernel's features.
        let linked = GEMMBackend.linkedOpenBLAS
        #expect(OpenBLASCore.level(of: OpenBLASCore.best(for: .current)) >= OpenBLASCore.level(of: linked.kernel) || linked.kernel == "Prescott",
                "CPU \(CPUFeatures.current) vs linked \(linked.kernel)")
    }
}
