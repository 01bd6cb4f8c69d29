import Foundation
import Testing
@testable import Models

/// The sizes every family's config shares are checked in one place (`ModelConfiguration.load`),
/// and each error names that family's own Hugging Face key.
@Suite struct ConfigurationSizeTests {
    /// The error message building a `model_type` config with `values` gives, or nil when it builds.
    static func message(_ modelType: String, _ values: [String: Any]) throws -> String? {
        var object = values
        object["model_type"] = modelType
        let file = try ConfigFile(data: JSONSerialization.data(withJSONObject: object), url: URL(fileURLWithPath: "/tmp/sizes/config.json"))
        do {
            _ = try Architectures.build(config: file, parameterNames: [])
            return nil
        } catch let error as ModelError {
            return error.localizedDescription
        }
    }

    /// Each family's keys for the hidden size, the layer count and the vocabulary (ViT: the image side).
    static let keys: [(modelType: String, hidden: String, layers: String, table: String)] = [
        ("bert", "hidden_size", "num_hidden_layers", "vocab_size"), ("distilbert", "dim", "n_layers", "vocab_size"),
        ("vit", "hidden_size", "num_hidden_layers", "image_size"), ("opt", "hidden_size", "num_hidden_layers", "vocab_size"),
        ("gpt2", "n_embd", "n_layer", "vocab_size"), ("gptj", "n_embd", "n_layer", "vocab_size"),
        ("llama", "hidden_size", "num_hidden_layers", "vocab_size"), ("qwen3", "hidden_size", "num_hidden_layers", "vocab_size"),
        ("gemma2", "hidden_size", "num_hidden_layers", "vocab_size"), ("gemma3_text", "hidden_size", "num_hidden_layers", "vocab_size"),
        ("olmo2", "hidden_size", "num_hidden_layers", "vocab_size"), ("phi3", "hidden_size", "num_hidden_layers", "vocab_size"),
        ("gpt_neox", "hidden_size", "num_hidden_layers", "vocab_size"), ("deberta-v2", "hidden_size", "num_hidden_layers", "vocab_size"),
    ]

    /// The families on the shared rotary decoder, whose configs require their sizes.
    static let rotaryDecoders: Set = ["llama", "qwen3", "gemma2", "gemma3_text", "olmo2"]

    /// A small config of `modelType` (empty where the family has defaults for every size).
    static func small(_ modelType: String) -> [String: Any] {
        rotaryDecoders.contains(modelType)
            ? ["vocab_size": 128, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4] : [:]
    }

    @Test(arguments: keys.indices)
    func absurdSizesAreOneLineErrorsNamingTheFamilysKey(_ index: Int) throws {
        let (modelType, hidden, layers, table) = Self.keys[index]
        for (key, value) in [(hidden, 0), (hidden, 1 << 40), (layers, -1), (layers, 1_000_000_000), (table, 1 << 61)] {
            let message = try #require(try Self.message(modelType, Self.small(modelType).merging([key: value]) { $1 }), "\(modelType) \(key) \(value)")
            #expect(message.hasPrefix("/tmp/sizes/config.json: \"\(key)\"") && !message.contains("\n"), "\(message)")
        }
    }

    @Test func familiesWithoutHeadDimensionSplitTheHiddenSizeAndGroupedHeadsMustDivideTheHeads() throws {
        let gpt2 = try #require(try Self.message("gpt2", ["n_embd": 10, "n_head": 4]))
        #expect(gpt2.contains("\"n_embd\" (10) must be divisible by n_head (4)"), "\(gpt2)")
        for modelType in Self.rotaryDecoders.sorted() + ["phi3"] {
            let grouped = try #require(try Self.message(modelType, Self.small(modelType).merging(["num_key_value_heads": 3, "num_attention_heads": 4]) { $1 }), "\(modelType)")
            #expect(grouped.contains("\"num_key_value_heads\" (3) must divide num_attention_heads (4)"), "\(modelType): \(grouped)")
        }
        let neox = try #require(try Self.message("gpt_neox", ["hidden_size": 10, "num_attention_heads": 4]))
        #expect(neox.contains("\"hidden_size\" (10) must be divisible by num_attention_heads (4)"), "\(neox)")
        #expect(try Self.message("llama", Self.small("llama").merging(["head_dim": 6, "num_attention_heads": 5]) { $1 }) == nil)
    }
}
