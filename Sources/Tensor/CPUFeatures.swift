import CKernels

/// The vector instruction sets this CPU offers and the OS enables (CPUID and XGETBV), as far as
/// the choice of a GEMM kernel needs them.
public struct CPUFeatures: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let avx = CPUFeatures(rawValue: UInt32(CK_CPU_AVX))
    public static let avx2 = CPUFeatures(rawValue: UInt32(CK_CPU_AVX2))
    public static let fma = CPUFeatures(rawValue: UInt32(CK_CPU_FMA))
    public static let avx512f = CPUFeatures(rawValue: UInt32(CK_CPU_AVX512F))
    public static let avx512bw = CPUFeatures(rawValue: UInt32(CK_CPU_AVX512BW))
    public static let avx512dq = CPUFeatures(rawValue: UInt32(CK_CPU_AVX512DQ))
    public static let avx512vl = CPUFeatures(rawValue: UInt32(CK_CPU_AVX512VL))
    public static let avx512bf16 = CPUFeatures(rawValue: UInt32(CK_CPU_AVX512BF16))

    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels need.
    public static let avx512Core: CPUFeatures = [.avx512f, .avx512bw, .avx512dq, .avx512vl]

    /// This machine's features.
    public static let current = CPUFeatures(rawValue: ck_cpu_features())

    /// The names, as CPUID documents them, in a fixed order (`AVX2 FMA AVX512F ...`).
    public var description: String {
        let names: [(CPUFeatures, String)] = [(.avx, "AVX"), (.avx2, "AVX2"), (.fma, "FMA"), (.avx512f, "AVX512F"),
                                              (.avx512bw, "AVX512BW"), (.avx512dq, "AVX512DQ"), (.avx512vl, "AVX512VL"),
                                              (.avx512bf16, "AVX512_BF16")]
        let present = names.filter { contains($0.0) }.map(\.1)
        return present.isEmpty ? "none of AVX, AVX2, AVX-512" : present.joined(separator: " ")
    }
}
