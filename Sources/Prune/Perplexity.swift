import Formats
import Foundation
import Models
import Tensor

/// Perplexity of a causal language model on token windows: the mean negative log-likelihood of
/// every next-token prediction inside each window (`logits[t]` predicts `ids[t + 1]`), then
/// `exp`; as transformers' `LlamaForCausalLM(input_ids, labels=input_ids).loss` averaged over
/// equal windows.
public struct Perplexity: Codable, Sendable, Equatable {
    /// `exp(meanNLL)`.
    public var perplexity: Double
    /// Mean negative log-likelihood per predicted token (nats).
    public var meanNLL: Double
    /// Next-token predictions scored.
    public var predictions: Int
    /// Windows run.
    public var windows: Int

    enum CodingKeys: String, CodingKey {
        case perplexity
        case meanNLL = "mean_nll"
        case predictions, windows
    }

    /// Runs `model` on every window; `progress(done)` after each.
    public init(model: any TransformerModel, windows: TokenWindows, progress: (Int) -> Void = { _ in }) throws {
        var total = 0.0
        var count = 0
        for (index, batch) in try windows.batches().enumerated() {
            let ids = windows.windows[index]
            let logits = try model.forward(batch)
            guard logits.rank == 3, logits.shape[0] == 1, logits.shape[1] == ids.count else {
                throw PruneError.notACausalLM(model: model.typeName, detail: "its output is \(Shape.describe(logits.shape)), not [1, \(ids.count), vocabulary]")
            }
            let vocabulary = logits.shape[2]
            let values = try logits.floats()
            for position in 0..<(ids.count - 1) {
                let target = ids[position + 1]
                guard target >= 0, target < vocabulary else {
                    throw PruneError.invalidOption(name: "token id", detail: "\(target) is outside the vocabulary of \(vocabulary)")
                }
                total += Self.negativeLogLikelihood(values[(position * vocabulary)..<((position + 1) * vocabulary)], target: target)
                count += 1
            }
            progress(index + 1)
        }
        meanNLL = total / Double(max(count, 1))
        perplexity = exp(meanNLL)
        predictions = count
        self.windows = windows.windows.count
    }

    /// `logsumexp(row) − row[target]`, in Double.
    static func negativeLogLikelihood(_ row: ArraySlice<Float>, target: Int) -> Double {
        let largest = Double(row.max() ?? 0)
        let sum = row.reduce(0.0) { $0 + exp(Double($1) - largest) }
        return largest + log(sum) - Double(row[row.startIndex + target])
    }
}
