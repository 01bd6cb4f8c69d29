/// How encodings are cut to a maximum length: Hugging Face `tokenizers`' `TruncationParams`
/// (the `truncation` section of `tokenizer.json`). Overflowing windows are not produced, so `stride`
/// is only checked.
public struct TruncationParameters: Equatable, Sendable {
    /// Which sequence of a pair loses tokens.
    public enum Strategy: String, Sendable {
        case longestFirst = "LongestFirst"
        case onlyFirst = "OnlyFirst"
        case onlySecond = "OnlySecond"
    }

    /// Which end loses tokens.
    public enum Direction: String, Sendable {
        case left = "Left"
        case right = "Right"
    }

    public var maxLength: Int
    public var strategy: Strategy
    public var stride: Int
    public var direction: Direction

    public init(maxLength: Int, strategy: Strategy = .longestFirst, stride: Int = 0, direction: Direction = .right) {
        self.maxLength = maxLength
        self.strategy = strategy
        self.stride = stride
        self.direction = direction
    }

    init?(json: JSONValue?) throws {
        guard let json, !json.isNull else { return nil }
        let component = "truncation"
        guard let maxLength = json["max_length"]?.int, maxLength >= 0 else {
            throw TokenizerError.invalid(component: component, reason: "'max_length' is not a count")
        }
        guard let strategy = Strategy(rawValue: json["strategy"]?.string ?? "LongestFirst"),
              let direction = Direction(rawValue: json["direction"]?.string ?? "Right") else {
            throw TokenizerError.invalid(component: component, reason: "unknown strategy or direction")
        }
        self.init(maxLength: maxLength, strategy: strategy, stride: json["stride"]?.int ?? 0, direction: direction)
    }

    /// Cuts a single encoding or a pair so that together they hold at most `maxLength` tokens
    /// (`truncate_encodings`).
    func truncate(_ first: inout Encoding, _ second: inout Encoding?) throws {
        if maxLength == 0 {
            first.keep(0..<0)
            second?.keep(0..<0)
            return
        }
        let total = first.count + (second?.count ?? 0)
        guard total > maxLength else { return }
        let excess = total - maxLength
        switch strategy {
        case .longestFirst:
            if var other = second {
                var (short, long) = (first.count, other.count)
                let swapped = short > long
                if swapped { swap(&short, &long) }
                long = short > maxLength ? short : max(short, maxLength - short)
                if short + long > maxLength {
                    short = maxLength / 2
                    long = short + maxLength % 2
                }
                if swapped { swap(&short, &long) }
                try cut(&first, to: short)
                try cut(&other, to: long)
                second = other
            } else {
                try cut(&first, to: total - excess)
            }
        case .onlyFirst, .onlySecond:
            if strategy == .onlyFirst {
                guard first.count > excess else { throw TokenizerError.truncation(reason: "the first sequence is too short to remove \(excess) tokens") }
                try cut(&first, to: first.count - excess)
            } else {
                guard var other = second else { throw TokenizerError.truncation(reason: "strategy OnlySecond needs a pair") }
                guard other.count > excess else { throw TokenizerError.truncation(reason: "the second sequence is too short to remove \(excess) tokens") }
                try cut(&other, to: other.count - excess)
                second = other
            }
        }
    }

    /// Keeps `length` tokens of one encoding, from the start or the end (`Encoding::truncate`).
    private func cut(_ encoding: inout Encoding, to length: Int) throws {
        guard length < encoding.count else { return }
        if length == 0 {
            encoding.keep(0..<0)
            return
        }
        guard stride < length else {
            throw TokenizerError.truncation(reason: "stride \(stride) must be smaller than the kept length \(length)")
        }
        encoding.keep(direction == .right ? 0..<length : (encoding.count - length)..<encoding.count)
    }
}
