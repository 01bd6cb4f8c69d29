/// OpenBLAS's kernel families (`openblas_get_corename()`, `OPENBLAS_CORETYPE`) ranked by the
/// instruction set their single-precision GEMM uses, so that slimtrace can tell a generic kernel
/// from the best one a CPU can run.
public enum OpenBLASCore {
    /// The instruction-set level of an OpenBLAS core name: 0 SSE (Prescott, Nehalem, Barcelona...
    /// and any name not listed), 1 AVX, 2 AVX2 + FMA, 3 AVX-512, 4 AVX-512 with BF16. Case-insensitive.
    public static func level(of core: String) -> Int {
        switch core.lowercased() {
        case "cooperlake", "sapphirerapids": 4
        case "skylakex": 3
        case "haswell", "zen", "skylake": 2
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": 1
        default: 0
        }
    }

    /// The best kernel OpenBLAS has for a CPU with `features`: Cooperlake with AVX512_BF16 (on top
    /// of the AVX-512 core set), SkylakeX with AVX-512 F/BW/DQ/VL, Haswell with AVX2 + FMA (AMD
    /// Zen too: OpenBLAS's Zen kernels are its Haswell ones), Sandybridge with AVX, else Prescott.
    public static func best(for features: CPUFeatures) -> String {
        if features.isSuperset(of: CPUFeatures.avx512Core.union(.avx512bf16)) { return "Cooperlake" }
        if features.isSuperset(of: .avx512Core) { return "SkylakeX" }
        if features.isSuperset(of: [.avx2, .fma]) { return "Haswell" }
        if features.contains(.avx) { return "Sandybridge" }
        return "Prescott"
    }

    /// Every kernel of `candidates` this CPU can run (level at most `best(for:)`'s), in the given order.
    public static func runnable(on features: CPUFeatures, among candidates: [String] = ["Prescott", "Haswell", "SkylakeX", "Cooperlake"]) -> [String] {
        let ceiling = level(of: best(for: features))
        return candidates.filter { level(of: $0) <= ceiling }
    }
}
