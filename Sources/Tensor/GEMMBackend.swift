import CBLAS

/// One loaded GEMM implementation: a library, the kernel it runs, and its single-precision GEMM.
/// Every matrix product of the runtime (`linear`, `matmul`, `conv2d`) goes through `sgemm`.
public struct GEMMBackend: Sendable, Equatable, CustomStringConvertible {
    /// `cblas_sgemm`'s C signature (the linked OpenBLAS's, or a private instance's through `dlsym`).
    typealias CBLASSgemm = @convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, Int32, Int32, Int32, Float,
                                           UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32, Float,
                                           UnsafeMutablePointer<Float>?, Int32) -> Void
    /// `dnnl_sgemm`'s C signature (row-major; returns a `dnnl_status_t`).
    typealias DNNLSgemm = @convention(c) (CChar, CChar, Int64, Int64, Int64, Float, UnsafePointer<Float>?, Int64,
                                          UnsafePointer<Float>?, Int64, Float, UnsafeMutablePointer<Float>?, Int64) -> Int32

    enum Entry: @unchecked Sendable {
        case cblas(CBLASSgemm)
        case dnnl(DNNLSgemm)
    }

    public let library: GEMMLibrary
    /// The kernel: OpenBLAS's core name (`Haswell`, `SkylakeX`...), or oneDNN's instruction set.
    public let kernel: String
    /// Where it comes from: `OpenBLAS 0.3.21 (linked)`, `OpenBLAS 0.3.21 (private instance)`, `oneDNN 2.6.3`.
    public let origin: String
    let entry: Entry

    /// `library kernel` (`openblas Haswell`), the identity tests and reports print.
    public var description: String { "\(library.rawValue) \(kernel)" }

    public static func == (lhs: GEMMBackend, rhs: GEMMBackend) -> Bool {
        lhs.library == rhs.library && lhs.kernel == rhs.kernel && lhs.origin == rhs.origin
    }

    /// Row-major `C = alpha · op(A) · op(B) + beta · C` with `op(A)` `[m, k]`, `op(B)` `[k, n]`,
    /// `C` `[m, n]`; `transposeA`/`transposeB` say that A/B are stored transposed. Leading
    /// dimensions are in elements; sizes must fit in 32 bits (checked by the callers' shapes).
    public func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        switch entry {
        case .cblas(let sgemm):
            sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                  Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        case .dnnl(let sgemm):
            let t = CChar(UInt8(ascii: "T")), nt = CChar(UInt8(ascii: "N"))
            let status = sgemm(transposeA ? t : nt, transposeB ? t : nt, Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda),
                               b, Int64(ldb), beta, c, Int64(ldc))
            precondition(status == 0, "dnnl_sgemm failed with status \(status) on [\(m), \(k)] × [\(k), \(n)]")
        }
    }
}
