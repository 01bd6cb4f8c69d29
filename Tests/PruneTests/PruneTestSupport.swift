import Formats
import Foundation
import Tensor
import TestFixtures

/// Shared helpers of the prune tests.
enum PruneTestSupport {
    /// A fresh temporary folder for one test (the caller removes it).
    static func temporaryFolder(_ label: String = #function) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-prune-\(label.filter(\.isLetter))-\(UUID().uuidString)")
    }

    /// Deterministic pseudo-random values in [-1, 1) (a 64-bit LCG), for test inputs.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Double(state >> 40) / Double(1 << 24) * 2 - 1)
        }
    }

    /// Deterministic token ids below `vocabulary`.
    static func ids(_ count: Int, vocabulary: Int, seed: UInt64) -> [Int] {
        values(count, seed: seed).map { min(Int((Double($0) + 1) / 2 * Double(vocabulary)), vocabulary - 1) }
    }

    /// The largest `|a − b|` over two equal-length arrays (infinity when the lengths differ).
    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}
