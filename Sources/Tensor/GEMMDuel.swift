import Foundation

/// Two GEMM backends timed against each other on one transformer-sized product (BERT-base's
/// attention projection, `[128, 768] × [768, 768]ᵀ`), interleaved call by call; the first wins only
/// when it is measurably faster (its best time at most 95% of the other's), so a tie keeps the second.
struct GEMMDuel: CustomStringConvertible {
    static let (m, n, k) = (128, 768, 768)
    static let rounds = 5
    static let margin = 0.95

    let first: GEMMBackend
    let second: GEMMBackend
    /// Best seconds per call of each.
    let firstSeconds: Double
    let secondSeconds: Double

    var firstWins: Bool { firstSeconds <= GEMMDuel.margin * secondSeconds }

    init(_ first: GEMMBackend, against second: GEMMBackend) {
        self.first = first
        self.second = second
        let (m, n, k) = (GEMMDuel.m, GEMMDuel.n, GEMMDuel.k)
        let a = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: n * k)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for index in 0..<(m * k) { a[index] = Float(index % 7) * 0.1 }
        for index in 0..<(n * k) { b[index] = Float(index % 5) * 0.01 }
        func seconds(_ backend: GEMMBackend) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            backend.sgemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: k, beta: 0, c: c, ldc: n)
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        _ = (seconds(first), seconds(second)) // warm-up: threads started, buffers allocated
        var best = (Double.infinity, Double.infinity)
        for _ in 0..<GEMMDuel.rounds {
            best.0 = min(best.0, seconds(first))
            best.1 = min(best.1, seconds(second))
        }
        (firstSeconds, secondSeconds) = best
    }

    var description: String {
        let flops = 2 * Double(GEMMDuel.m * GEMMDuel.n * GEMMDuel.k)
        func rate(_ seconds: Double) -> String { String(format: "%.0f GFLOP/s", flops / seconds / 1e9) }
        return "\(first) \(rate(firstSeconds)) vs \(second) \(rate(secondSeconds)) at [\(GEMMDuel.m), \(GEMMDuel.k)] × [\(GEMMDuel.k), \(GEMMDuel.n)]: "
            + (firstWins ? "\(first.library.rawValue) runs" : "\(second.library.rawValue) stays")
    }
}
