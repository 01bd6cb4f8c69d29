import Foundation

/// Where the committed reference fixtures live (`Tests/Fixtures`), found from this source file so
/// every test target shares one copy: real Hugging Face checkpoints with PyTorch's outputs and
/// Intel Neural Compressor's findings, and Keras archives.
public enum Fixtures {
    /// `Tests/Fixtures`.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The checkpoint folder of a model case (`bert`, `llama-gqa`, `opt-pruned`, ...).
    public static func model(_ name: String) -> URL {
        root.appendingPathComponent("models").appendingPathComponent(name)
    }

    /// The model cases that have INC's search results (the unpruned ones).
    public static let searchCases = ["bert", "distilbert", "electra", "gpt2", "gptj", "llama", "llama-gqa", "mistral", "opt", "qwen2", "roberta", "vit",
                                     "qwen3", "gemma2", "gemma3_text", "olmo2", "phi3", "gpt_neox", "falcon", "bloom", "phi",
                                     "mixtral", "qwen2_moe", "qwen3_moe", "xlm-roberta", "mpnet", "deberta-v2"]

    /// The pruned cases with INC's slim results.
    public static let prunedCases = ["bert-pruned", "llama-pruned", "opt-pruned"]

    /// A JSON file of a model case, parsed (`inc_expected.json`, `slimtrace_expected.json`, ...),
    /// or nil when the case has no such file.
    public static func json(_ file: String, of name: String) throws -> Any? {
        let url = model(name).appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }
}
