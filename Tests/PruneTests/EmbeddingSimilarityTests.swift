import Formats
import Foundation
import Models
import Prune
import Tensor
import Testing
import TestFixtures

@Suite struct EmbeddingSimilarityTests {
    /// Two texts of three tokens, two channels; the second text's last token is padding.
    let hidden: [Float] = [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 500, 600]

    @Test func meanPoolingAveragesOnlyTheTokensTheMaskKeeps() {
        let pooled = Pooling.mean.pool(hidden, batch: 2, length: 3, width: 2, mask: [1, 1, 1, 1, 1, 0])
        #expect(pooled == [[3, 4], [20, 30]])
    }

    @Test func clsPoolingTakesTheFirstToken() {
        #expect(Pooling.cls.pool(hidden, batch: 2, length: 3, width: 2, mask: [1, 1, 1, 1, 1, 0]) == [[1, 2], [10, 20]])
    }

    @Test func aModelIsPerfectlySimilarToItselfAndALanguageModelIsRefused() throws {
        let model = try Checkpoint(directory: Fixtures.model("bert-no-pooler")).loadModel()
        let batch = ModelInputs([("input_ids", try Tensor(integers: PruneTestSupport.ids(12, vocabulary: 100, seed: 5), shape: [2, 6])),
                                 ("attention_mask", try Tensor(integers: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0], shape: [2, 6]))])
        let result = try EmbeddingSimilarity(model: model, reference: model, batches: [batch], pooling: .mean)
        #expect(result.texts == 2 && abs(result.meanCosine - 1) < 1e-9 && abs(result.minCosine - 1) < 1e-9)
        let llama = try Checkpoint(directory: Fixtures.model("llama")).loadModel()
        #expect(throws: PruneError.self) {
            try EmbeddingSimilarity(model: llama, reference: llama, batches: [ModelInputs([("input_ids", try Tensor(integers: [1, 2], shape: [1, 2]))])],
                                    pooling: .mean)
        }
    }
}
