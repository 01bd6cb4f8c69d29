/// How many channels each layer loses for a target sparsity (FLAP's `--structure`).
/// - `uniform`: the same fraction of every root's channels, its lowest scores (FLAP's UL-UM);
/// - `adaptive`: scores standardized per root (`(s − mean) / std`), then the lowest across all
///   roots together, so layers whose channels matter less lose more (FLAP's AL-AM). Every root
///   keeps at least one channel.
public enum ChannelAllocation: String, Sendable, CaseIterable, Codable {
    case uniform, adaptive

    /// The channels to remove from each root, ascending, given each root's scores.
    public func removed(scores: [[Double]], sparsity: Double) -> [[Int]] {
        switch self {
        case .uniform:
            return scores.map { layer in
                let count = min(Int((sparsity * Double(layer.count)).rounded(.down)), max(layer.count - 1, 0))
                return Self.lowest(layer.indices.map { ($0, layer[$0]) }, count: count).sorted()
            }
        case .adaptive:
            var candidates: [(layer: Int, channel: Int, score: Double)] = []
            for (layer, values) in scores.enumerated() {
                let mean = values.reduce(0, +) / Double(max(values.count, 1))
                let spread = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count, 1))).squareRoot()
                for (channel, value) in values.enumerated() {
                    candidates.append((layer, channel, spread > 0 ? (value - mean) / spread : 0))
                }
            }
            let total = Int((sparsity * Double(candidates.count)).rounded(.down))
            candidates.sort { ($0.score, $0.layer, $0.channel) < ($1.score, $1.layer, $1.channel) }
            var removed = scores.map { _ in [Int]() }
            var taken = 0
            for candidate in candidates where taken < total {
                guard removed[candidate.layer].count + 1 < scores[candidate.layer].count else { continue }
                removed[candidate.layer].append(candidate.channel)
                taken += 1
            }
            return removed.map { $0.sorted() }
        }
    }

    /// The `count` indices with the lowest scores (ties: the lower index).
    private static func lowest(_ scored: [(Int, Double)], count: Int) -> [Int] {
        scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(count).map(\.0)
    }
}
