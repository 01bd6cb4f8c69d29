import Foundation

/// Errors from reading a checkpoint or building and running a model; each names the file,
/// tensor or input at fault.
public enum ModelError: Error, LocalizedError, Equatable {
    case missingFile(path: String, detail: String)
    case invalidConfig(path: String, detail: String)
    case unsupportedModelType(String, supported: [String])
    case unsupportedArchitecture(String, modelType: String, supported: [String])
    case missingTensor(name: String, file: String)
    case shapeMismatch(tensor: String, file: String, expected: [Int], actual: [Int])
    case unsupportedDType(tensor: String, file: String, dtype: String)
    case unexpectedInput(name: String, model: String, accepted: [String])
    case missingInput(name: String, model: String)
    case invalidInput(name: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case let .missingFile(path, detail): "\(path): \(detail)"
        case let .invalidConfig(path, detail): "\(path): \(detail)"
        case let .unsupportedModelType(type, supported):
            "model_type \"\(type)\" is not supported; supported: \(supported.joined(separator: ", "))"
        case let .unsupportedArchitecture(name, type, supported):
            "architecture \"\(name)\" of model_type \(type) is not supported; supported: \(supported.joined(separator: ", "))"
        case let .missingTensor(name, file): "\(file): tensor \(name) is missing"
        case let .shapeMismatch(tensor, file, expected, actual):
            "\(file): tensor \(tensor) has shape \(actual), but the config implies \(expected)"
        case let .unsupportedDType(tensor, file, dtype): "\(file): tensor \(tensor) has dtype \(dtype), which cannot be loaded as weights"
        case let .unexpectedInput(name, model, accepted):
            "input \"\(name)\" is not an input of \(model) (it takes \(accepted.joined(separator: ", ")))"
        case let .missingInput(name, model): "\(model) needs the input \"\(name)\""
        case let .invalidInput(name, detail): "input \(name): \(detail)"
        }
    }
}
