import Foundation

/// Why a tokenizer could not be loaded or could not encode a text; every message is one line.
public enum TokenizerError: LocalizedError, Equatable, Sendable {
    /// Neither a `tokenizer.json` file nor a folder holding one.
    case fileNotFound(path: String)
    /// The file is not JSON (or not the JSON object a `tokenizer.json` is).
    case notJSON(reason: String)
    /// A component whose `type` this library does not implement (never a silent different encoding).
    case unsupported(component: String, type: String)
    /// A component whose fields are missing or wrong.
    case invalid(component: String, reason: String)
    /// A token named by the model (a merge, the unknown token) that is not in its vocabulary.
    case tokenOutOfVocabulary(component: String, token: String)
    /// A token id at or beyond the embedding size it was validated against.
    case idBeyondVocabulary(token: String, id: Int, limit: Int)
    /// A word needs the unknown token but the model has none.
    case missingUnknownToken(model: String)
    /// The truncation parameters cannot be applied to these sequences.
    case truncation(reason: String)
    /// An error while loading a file, with that file's path.
    indirect case inFile(path: String, TokenizerError)

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path):
            "no tokenizer.json at \(path)"
        case .notJSON(let reason):
            "not a tokenizer.json: \(reason)"
        case .unsupported(let component, let type):
            "unsupported \(component) type '\(type)'"
        case .invalid(let component, let reason):
            "invalid \(component): \(reason)"
        case .tokenOutOfVocabulary(let component, let token):
            "\(component): token '\(token)' is not in the vocabulary"
        case .idBeyondVocabulary(let token, let id, let limit):
            "token '\(token)' has id \(id), beyond the embedding size \(limit)"
        case .missingUnknownToken(let model):
            "\(model): a word needs the unknown token, but the model has none in its vocabulary"
        case .truncation(let reason):
            "truncation: \(reason)"
        case .inFile(let path, let error):
            "\(path): \(error.errorDescription ?? "\(error)")"
        }
    }
}
