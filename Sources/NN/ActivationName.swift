/// A config's activation (`hidden_act`, `activation_function`, `activation`), checked while the
/// config is decoded: a name Hugging Face's `ACT2FN` maps to an `Activation` module slimtrace runs.
/// Decoding any other name is an error that lists the supported ones.
public struct ActivationName: Codable, Sendable, Equatable {
    /// The `ACT2FN` key (`gelu`, `gelu_new`, ...).
    public let name: String
    /// What the module computes.
    public let function: Activation.Function
    /// The Hugging Face class of the module (`GELUActivation`, `NewGELUActivation`...).
    public let typeName: String

    public static let gelu = ActivationName(name: "gelu", function: .gelu, typeName: "GELUActivation")
    public static let geluNew = ActivationName(name: "gelu_new", function: .geluTanh, typeName: "NewGELUActivation")
    public static let geluPytorchTanh = ActivationName(name: "gelu_pytorch_tanh", function: .geluTanh, typeName: "GELUTanh")
    public static let silu = ActivationName(name: "silu", function: .silu, typeName: "SiLUActivation")
    public static let relu = ActivationName(name: "relu", function: .relu, typeName: "ReLU")
    public static let tanh = ActivationName(name: "tanh", function: .tanh, typeName: "Tanh")

    /// Every supported name, in the order error messages list them.
    public static let supported: [ActivationName] = [
        gelu, geluNew, geluPytorchTanh,
        silu, ActivationName(name: "swish", function: .silu, typeName: "SiLUActivation"),
        relu, tanh, ActivationName(name: "sigmoid", function: .sigmoid, typeName: "Sigmoid"),
    ]

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let known = Self.supported.first(where: { $0.name == name }) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription:
                "\"\(name)\" is not supported; supported: \(Self.supported.map(\.name).joined(separator: ", "))")
        }
        self = known
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    private init(name: String, function: Activation.Function, typeName: String) {
        self.name = name
        self.function = function
        self.typeName = typeName
    }
}
