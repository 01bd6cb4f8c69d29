import Formats
import Tensor

/// A token stream cut into fixed-length windows, as language-model calibration and perplexity
/// evaluation use them (FLAP's `get_loaders` windows, transformers' perplexity guide with
/// `stride`): window `i` is tokens `[i·stride, i·stride + length)`, only whole windows, at most
/// `samples` of them.
public struct TokenWindows: Sendable {
    /// The windows' token ids, in stream order.
    public let windows: [[Int]]

    /// Windows of `length` tokens every `stride` tokens of `ids` (the whole stream when
    /// `samples` is nil). `source` names the stream in errors.
    public init(ids: [Int], length: Int, stride: Int, samples: Int?, source: String) throws {
        guard length >= 2 else { throw PruneError.invalidOption(name: "--window", detail: "must be at least 2 tokens, got \(length)") }
        guard stride >= 1 else { throw PruneError.invalidOption(name: "--stride", detail: "must be at least 1, got \(stride)") }
        if let samples, samples < 1 { throw PruneError.invalidOption(name: "--samples", detail: "must be at least 1, got \(samples)") }
        guard ids.count >= length else { throw PruneError.tooFewTokens(source: source, tokens: ids.count, window: length) }
        var windows: [[Int]] = []
        var start = 0
        while start + length <= ids.count, windows.count < (samples ?? .max) {
            windows.append(Array(ids[start..<(start + length)]))
            start += stride
        }
        self.windows = windows
    }

    /// Every window as a model batch: `input_ids` int64 `[1, length]`.
    public func batches() throws -> [ModelInputs] {
        try windows.map { ModelInputs([("input_ids", try Tensor(integers: $0, shape: [1, $0.count]))]) }
    }
}
