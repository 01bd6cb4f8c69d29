import Formats
import Models
import Tensor

/// How close a (pruned) encoder's sentence embeddings stay to a reference model's: both run on the
/// same token batches, their `last_hidden_state` is pooled per text (`Pooling`), and each text's
/// cosine similarity (sentence-transformers' `cos_sim`) is averaged over the texts.
public struct EmbeddingSimilarity: Codable, Sendable, Equatable {
    public var pooling: Pooling
    /// Mean and least cosine similarity over the texts.
    public var meanCosine: Double
    public var minCosine: Double
    /// Texts and batches run.
    public var texts: Int
    public var batches: Int

    enum CodingKeys: String, CodingKey {
        case pooling, texts, batches
        case meanCosine = "mean_cosine"
        case minCosine = "min_cosine"
    }

    /// Runs `model` and `reference` on every batch (`input_ids`, and `attention_mask` for mean
    /// pooling over real tokens); `progress(done)` after each.
    public init(model: any TransformerModel, reference: any TransformerModel, batches: [ModelInputs], pooling: Pooling,
                progress: (Int) -> Void = { _ in }) throws {
        var cosines: [Double] = []
        for (index, batch) in batches.enumerated() {
            let pooled = try [model, reference].map { try Self.embeddings(of: $0, batch: batch, pooling: pooling) }
            guard pooled[0].first?.count == pooled[1].first?.count else {
                throw PruneError.notAnEncoder(model: model.typeName, detail: "its embeddings are \(pooled[0].first?.count ?? 0) wide, "
                                              + "the reference's \(pooled[1].first?.count ?? 0)")
            }
            cosines += zip(pooled[0], pooled[1]).map { Self.cosine($0, $1) }
            progress(index + 1)
        }
        self.pooling = pooling
        meanCosine = cosines.reduce(0, +) / Double(max(cosines.count, 1))
        minCosine = cosines.min() ?? 0
        texts = cosines.count
        self.batches = batches.count
    }

    /// The pooled `last_hidden_state` of each text of `batch`.
    static func embeddings(of model: any TransformerModel, batch: ModelInputs, pooling: Pooling) throws -> [[Double]] {
        guard model.isBaseModel else {
            throw PruneError.notAnEncoder(model: model.typeName, detail: "it returns \(model.outputName); embeddings are pooled from a base model's last_hidden_state")
        }
        let hidden = try model.forward(batch)
        guard hidden.rank == 3 else {
            throw PruneError.notAnEncoder(model: model.typeName, detail: "its output is \(Shape.describe(hidden.shape)), not [batch, length, width]")
        }
        let mask = try batch["attention_mask"].map { try $0.integers() }
        return pooling.pool(try hidden.floats(), batch: hidden.shape[0], length: hidden.shape[1], width: hidden.shape[2], mask: mask)
    }

    /// `a·b / (‖a‖‖b‖)` (0 when either is zero).
    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        return norms > 0 ? dot / norms : 0
    }
}
