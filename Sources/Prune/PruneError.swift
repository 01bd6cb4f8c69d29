import Foundation

/// Why pruning or evaluation cannot proceed; one line each, naming the argument, module or file.
public enum PruneError: Error, LocalizedError, Equatable {
    /// An option out of range (`--ffn-sparsity 1.5`, `--window 1`).
    case invalidOption(name: String, detail: String)
    /// Fewer tokens than one window.
    case tooFewTokens(source: String, tokens: Int, window: Int)
    /// A module the findings name is not in the model.
    case missingModule(path: String)
    /// A module the findings name is not a linear with real weights.
    case unsupportedModule(path: String, detail: String)
    /// Bias compensation needs a bias the family's config cannot declare.
    case biasNotExpressible(modelType: String, path: String)
    /// The model does not produce next-token logits `[batch, length, vocabulary]`.
    case notACausalLM(model: String, detail: String)
    /// The model gives no token embeddings to pool (`eval --reference`).
    case notAnEncoder(model: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case let .invalidOption(name, detail): "\(name): \(detail)"
        case let .tooFewTokens(source, tokens, window): "\(source) has \(tokens) tokens, fewer than one window of \(window)"
        case let .missingModule(path): "module \(path) is not in the model"
        case let .unsupportedModule(path, detail): "module \(path): \(detail)"
        case let .biasNotExpressible(modelType, path):
            "bias compensation needs a bias on \(path), which a \(modelType) config cannot declare; use --method wanda-sp or magnitude"
        case let .notACausalLM(model, detail): "\(model) is not a causal language model: \(detail)"
        case let .notAnEncoder(model, detail): "\(model) gives no sentence embeddings to compare: \(detail)"
        }
    }
}
