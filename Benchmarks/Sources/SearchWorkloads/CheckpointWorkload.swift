import Formats
import Foundation
import Models
import Tensor

/// A BERT-base-sized checkpoint (12 layers, hidden 768, intermediate 3072, vocab 30522: 110M f32
/// parameters, about 440 MB) written once to a temporary folder, for timing how long loading takes.
public struct CheckpointWorkload {
    /// The checkpoint folder.
    public let folder: URL
    /// Bytes of `model.safetensors`.
    public let bytes: Int

    public static let bertBaseConfig = """
    {"model_type": "bert", "architectures": ["BertForSequenceClassification"], "hidden_size": 768,
     "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072, "vocab_size": 30522,
     "max_position_embeddings": 512, "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12,
     "id2label": {"0": "A", "1": "B"}}
    """

    /// Writes the checkpoint (parameters filled with a small constant).
    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configURL = folder.appendingPathComponent("config.json")
        try Data(Self.bertBaseConfig.utf8).write(to: configURL)
        let model = try Architectures.build(config: ConfigFile(url: configURL), parameterNames: [])
        let tensors = model.uniqueParameters().map { ($0.names[0], Tensor.full(shape: $0.parameter.shape, value: 0.01)) }
        let weights = folder.appendingPathComponent("model.safetensors")
        try SafetensorsWriter.write(tensors, to: weights)
        bytes = (try FileManager.default.attributesOfItem(atPath: weights.path)[.size] as? Int) ?? 0
    }

    /// Opens the checkpoint and loads every parameter (mmap, zero copy), ready for a forward.
    public func load() throws -> any TransformerModel {
        try Checkpoint(directory: folder).loadModel()
    }

    /// Removes the folder.
    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
