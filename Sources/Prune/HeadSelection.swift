/// Which key/value groups (a key/value head and its query heads; one head without grouped-query
/// attention) each attention block loses, from per-channel scores of its output projection's input
/// (the concatenated heads' context). FLAP's head pruning (`prune_flap`, `self_attn.o_proj`).
///
/// - `uniform`: every block loses ⌊s · groups⌋ of its groups, those whose channel scores sum
///   lowest (FLAP's UL-UM);
/// - `adaptive`: each block's channel scores are standardized (`(x − mean) / std` over the block),
///   averaged per group, and the lowest ⌊s · all groups⌋ across all blocks go (FLAP's AL-AM);
/// - `layers` (uniform only): only ⌊layers · blocks⌋ blocks lose groups, those whose groups to lose
///   have the lowest mean standardized score; e.g. `s = 0.34, layers = 0.34` removes one group of
///   three in a third of the blocks.
///
/// Every block keeps at least one group. Counts are rounded down (with a 1e-9 allowance for
/// fractions written in decimal).
public enum HeadSelection {
    /// One block's scores: per channel of its output projection's input, and the channel ranges
    /// of each group's query heads.
    public struct Block: Sendable {
        public var channelScores: [Double]
        public var groups: [[Range<Int>]]

        public init(channelScores: [Double], groups: [[Range<Int>]]) {
            self.channelScores = channelScores
            self.groups = groups
        }

        /// The sum of each group's channel scores.
        var groupSums: [Double] {
            groups.map { ranges in ranges.reduce(0) { sum, range in range.reduce(sum) { $0 + channelScores[$1] } } }
        }

        /// The mean of each group's standardized channel scores.
        var standardizedGroupMeans: [Double] {
            let count = Double(max(channelScores.count, 1))
            let mean = channelScores.reduce(0, +) / count
            let spread = (channelScores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count).squareRoot()
            return groups.map { ranges in
                let channels = ranges.flatMap { Array($0) }
                let total = channels.reduce(0.0) { $0 + (spread > 0 ? (channelScores[$1] - mean) / spread : 0) }
                return total / Double(max(channels.count, 1))
            }
        }
    }

    /// The groups each block loses, ascending.
    public static func removed(_ blocks: [Block], sparsity: Double, allocation: ChannelAllocation, layers: Double = 1) -> [[Int]] {
        func floor(_ value: Double) -> Int { Int((value + 1e-9).rounded(.down)) }
        switch allocation {
        case .uniform:
            let perBlock = blocks.map { block in
                lowest(block.groupSums, count: min(floor(sparsity * Double(block.groups.count)), max(block.groups.count - 1, 0)))
            }
            guard layers < 1 else { return perBlock }
            let cost = zip(blocks, perBlock).map { block, groups in
                let means = block.standardizedGroupMeans
                return groups.isEmpty ? Double.infinity : groups.reduce(0) { $0 + means[$1] } / Double(groups.count)
            }
            let chosen = Set(lowest(cost, count: floor(layers * Double(blocks.count))))
            return perBlock.indices.map { chosen.contains($0) ? perBlock[$0] : [] }
        case .adaptive:
            var candidates: [(score: Double, block: Int, group: Int)] = []
            for (index, block) in blocks.enumerated() {
                for (group, score) in block.standardizedGroupMeans.enumerated() { candidates.append((score, index, group)) }
            }
            let total = floor(sparsity * Double(candidates.count))
            var removed = blocks.map { _ in [Int]() }
            var taken = 0
            for candidate in candidates.sorted(by: { ($0.score, $0.block, $0.group) < ($1.score, $1.block, $1.group) }) where taken < total {
                guard removed[candidate.block].count + 1 < blocks[candidate.block].groups.count else { continue }
                removed[candidate.block].append(candidate.group)
                taken += 1
            }
            return removed.map { $0.sorted() }
        }
    }

    /// The indices of the `count` lowest values, ascending by index (ties: the lower index).
    private static func lowest(_ values: [Double], count: Int) -> [Int] {
        values.indices.sorted { (values[$0], $0) < (values[$1], $1) }.prefix(count).sorted()
    }
}
