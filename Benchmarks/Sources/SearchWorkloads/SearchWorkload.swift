import Foundation
import Models
import Searchers

/// The end-to-end search INC is timed on: a BERT with hidden size 64 and `layers` layers, built
/// from its config in meta mode (shapes only), traced on INC's `[1, 16]` placeholder, and searched
/// by Linear2Linear, SelfMHA and the classifier head.
public struct SearchWorkload: Sendable {
    public let layers: Int
    private let config: ConfigFile

    public init(layers: Int) throws {
        self.layers = layers
        let json = """
        {"model_type": "bert", "architectures": ["BertForSequenceClassification"], "hidden_size": 64,
         "num_hidden_layers": \(layers), "num_attention_heads": 4, "intermediate_size": 256,
         "vocab_size": 30522, "max_position_embeddings": 512, "type_vocab_size": 2,
         "hidden_act": "gelu", "layer_norm_eps": 1e-12, "id2label": {"0": "A", "1": "B"}}
        """
        config = try ConfigFile(data: Data(json.utf8), url: URL(fileURLWithPath: "bert-\(layers)-layers/config.json"))
    }

    /// Builds, traces and searches once; returns the report (its findings are checked by the caller).
    public func run() throws -> SearchReport {
        let model = try Architectures.build(config: config, parameterNames: [])
        let inputs = try PlaceholderInputs.make(for: model, shape: nil, dtype: nil, meta: true)
        let traced = try model.traceFirstThatRuns([inputs])
        return try SearchReport(trace: TraceSearcher(model: model, graph: traced.graph, traceSeconds: traced.seconds))
    }
}
