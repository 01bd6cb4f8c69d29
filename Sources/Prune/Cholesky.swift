import CBLAS

/// The Cholesky factor `L` (`A = L Lᵀ`) of a symmetric positive-definite matrix, by LAPACK's
/// `dpotrf` (`torch.linalg.cholesky`), to solve with (`torch.cholesky_solve`) or invert
/// (`torch.cholesky_inverse`). Matrices are `Double`, `order × order`; a symmetric matrix reads
/// the same row- or column-major.
struct Cholesky {
    /// The matrix order.
    let order: Int
    /// `L`, column-major (the upper triangle holds what the input had there).
    private var factor: [Double]

    /// Factors `matrix`; nil when it is not positive definite.
    init?(_ matrix: [Double], order: Int) {
        precondition(matrix.count == order * order, "Cholesky: \(matrix.count) values are not \(order) × \(order)")
        self.order = order
        factor = matrix
        guard order > 0 else { return }
        var n = blasint(order), info: blasint = 0
        dpotrf_("L", &n, &factor, &n, &info, 1)
        guard info == 0 else { return nil }
    }

    /// Solves `A X = B` in place for `B` of `columns` right-hand sides, column-major
    /// (`order × columns`; equivalently row-major `columns × order`, one right-hand side a row).
    func solve(_ rhs: inout [Double], columns: Int) {
        precondition(rhs.count == order * columns, "Cholesky.solve: \(rhs.count) values are not \(order) × \(columns)")
        guard order > 0, columns > 0 else { return }
        let n = blasint(order), m = blasint(columns)
        factor.withUnsafeBufferPointer { factor in
            rhs.withUnsafeMutableBufferPointer { rhs in
                cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, n, m, 1, factor.baseAddress, n, rhs.baseAddress, n)
                cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, n, m, 1, factor.baseAddress, n, rhs.baseAddress, n)
            }
        }
    }

    /// `A⁻¹`, full symmetric (LAPACK's `dpotri`).
    func inverse() -> [Double] {
        var inverse = factor
        guard order > 0 else { return inverse }
        var n = blasint(order), info: blasint = 0
        dpotri_("L", &n, &inverse, &n, &info, 1)
        for column in 0..<order {
            for row in (column + 1)..<order { inverse[row * order + column] = inverse[column * order + row] }
        }
        return inverse
    }
}
