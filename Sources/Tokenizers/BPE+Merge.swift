/// A symbol of a word being merged: its id and byte length; a merged-away symbol has length 0.
struct Symbol {
    var id: Int
    var length: Int
    var previous = -1
    var next = -1
}

extension BPE {
    /// Applies the merges to `symbols`, lowest rank first and leftmost among equal ranks, as Hugging
    /// Face's `Word::merge_all` does with its priority queue; merged-away symbols keep length 0.
    func mergeAll(_ symbols: inout [Symbol]) {
        let count = symbols.count
        guard count > 1 else { return }
        for index in 0..<count {
            symbols[index].previous = index - 1
            symbols[index].next = index + 1 < count ? index + 1 : -1
        }
        var queue = MergeQueue()
        for index in 0..<(count - 1) {
            if let merge = merges[Self.pairKey(symbols[index].id, symbols[index + 1].id)] {
                queue.push(.init(rank: merge.rank, position: index, id: merge.id))
            }
        }
        while let top = queue.pop() {
            let position = top.position
            guard symbols[position].length > 0, symbols[position].next != -1 else { continue }
            let nextPosition = symbols[position].next
            let right = symbols[nextPosition]
            guard let merge = merges[Self.pairKey(symbols[position].id, right.id)], merge.id == top.id else { continue }
            symbols[position].id = top.id
            symbols[position].length += right.length
            symbols[position].next = right.next
            symbols[nextPosition].length = 0
            if right.next != -1 { symbols[right.next].previous = position }
            let current = symbols[position]
            if current.previous >= 0, let merge = merges[Self.pairKey(symbols[current.previous].id, current.id)] {
                queue.push(.init(rank: merge.rank, position: current.previous, id: merge.id))
            }
            if current.next != -1, let merge = merges[Self.pairKey(current.id, symbols[current.next].id)] {
                queue.push(.init(rank: merge.rank, position: position, id: merge.id))
            }
        }
    }

    @inline(__always)
    static func pairKey(_ left: Int, _ right: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: left) << 32 | UInt64(truncatingIfNeeded: right)
    }
}

/// A binary min-heap of candidate merges ordered by (rank, position).
struct MergeQueue {
    struct Entry {
        var rank: Int
        var position: Int
        var id: Int

        func precedes(_ other: Entry) -> Bool {
            rank != other.rank ? rank < other.rank : position < other.position
        }
    }

    private var heap: [Entry] = []

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var best = left
            if left + 1 < heap.count, heap[left + 1].precedes(heap[left]) { best = left + 1 }
            guard heap[best].precedes(heap[parent]) else { break }
            heap.swapAt(best, parent)
            parent = best
        }
        return first
    }
}
