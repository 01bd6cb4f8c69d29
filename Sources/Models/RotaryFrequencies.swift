import Foundation
import NN
import Tensor

/// `rope_parameters` (transformers 5; Gemma 3 has one per layer type) or the legacy `rope_scaling`
/// object (transformers 4).
public struct RopeParameters: Codable, Sendable {
    /// `rope_type`: `default`, `linear`, `llama3`, ... (legacy configs say `type`).
    public var ropeType: String?
    /// The legacy spelling of `rope_type`.
    public var type: String?
    /// `rope_theta`, when given here rather than at the top level.
    public var ropeTheta: Double?
    /// `factor` (linear and LLaMA 3 scaling).
    public var factor: Double?
    /// `low_freq_factor` (LLaMA 3).
    public var lowFreqFactor: Double?
    /// `high_freq_factor` (LLaMA 3).
    public var highFreqFactor: Double?
    /// `original_max_position_embeddings` (LLaMA 3; defaults to `max_position_embeddings`).
    public var originalMaxPositionEmbeddings: Int?
    /// `partial_rotary_factor`: the share of each head that rotates (GPT-NeoX, Phi; default 1).
    public var partialRotaryFactor: Double?

    enum CodingKeys: String, CodingKey {
        case ropeType = "rope_type"
        case type
        case ropeTheta = "rope_theta"
        case factor
        case lowFreqFactor = "low_freq_factor"
        case highFreqFactor = "high_freq_factor"
        case originalMaxPositionEmbeddings = "original_max_position_embeddings"
        case partialRotaryFactor = "partial_rotary_factor"
    }

    /// Decodes the keys; `partial_rotary_factor` must be a share of the head, in (0, 1].
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ropeType = try c.decodeIfPresent(String.self, forKey: .ropeType)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta)
        factor = try c.decodeIfPresent(Double.self, forKey: .factor)
        lowFreqFactor = try c.decodeIfPresent(Double.self, forKey: .lowFreqFactor)
        highFreqFactor = try c.decodeIfPresent(Double.self, forKey: .highFreqFactor)
        originalMaxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .originalMaxPositionEmbeddings)
        partialRotaryFactor = try Self.share(c, .partialRotaryFactor)
    }

    /// The memberwise form, for parameters built in code (`updated(with:)`).
    init(ropeType: String? = nil, type: String? = nil, ropeTheta: Double? = nil, factor: Double? = nil,
         lowFreqFactor: Double? = nil, highFreqFactor: Double? = nil, originalMaxPositionEmbeddings: Int? = nil,
         partialRotaryFactor: Double? = nil) {
        (self.ropeType, self.type, self.ropeTheta, self.factor) = (ropeType, type, ropeTheta, factor)
        (self.lowFreqFactor, self.highFreqFactor) = (lowFreqFactor, highFreqFactor)
        (self.originalMaxPositionEmbeddings, self.partialRotaryFactor) = (originalMaxPositionEmbeddings, partialRotaryFactor)
    }

    /// The value of `key`, which must be a share of a head in (0, 1] when present (GPT-NeoX's
    /// `rotary_pct` reads with it too).
    static func share<Key: CodingKey>(_ c: KeyedDecodingContainer<Key>, _ key: Key) throws -> Double? {
        guard let value = try c.decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard value > 0, value <= 1 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "is \(value); it must be a share of each head, in (0, 1]")
        }
        return value
    }

    /// These parameters with every key `other` sets replaced by its value (Python's `dict.update`).
    func updated(with other: RopeParameters) -> RopeParameters {
        RopeParameters(ropeType: other.ropeType ?? ropeType, type: other.type ?? type, ropeTheta: other.ropeTheta ?? ropeTheta,
                       factor: other.factor ?? factor, lowFreqFactor: other.lowFreqFactor ?? lowFreqFactor,
                       highFreqFactor: other.highFreqFactor ?? highFreqFactor,
                       originalMaxPositionEmbeddings: other.originalMaxPositionEmbeddings ?? originalMaxPositionEmbeddings,
                       partialRotaryFactor: other.partialRotaryFactor ?? partialRotaryFactor)
    }
}

/// `rope_parameters` with one set per layer type (Gemma 3, ModernBERT; transformers 5).
public struct LayerTypeRopeParameters: Decodable, Sendable {
    /// `full_attention`: the global layers.
    public var fullAttention: RopeParameters?
    /// `sliding_attention`: the local (sliding window) layers.
    public var slidingAttention: RopeParameters?

    enum CodingKeys: String, CodingKey {
        case fullAttention = "full_attention"
        case slidingAttention = "sliding_attention"
    }
}

/// The rotary inverse frequencies of one set of rope parameters, as Hugging Face's
/// `ROPE_INIT_FUNCTIONS` compute them: `default`, `linear` and `llama3` are supported. Another type
/// is accepted, so that meta (shape-only) runs work, but its frequencies are an error that a real
/// forward pass throws.
struct RotaryFrequencies {
    /// One frequency per rotated pair (`head_dim / 2`), or why they cannot be computed.
    let inverseFrequencies: Result<[Double], ModelError>

    static let supportedTypes = ["default", "linear", "llama3"]

    /// `parameters` as the config gives them under `key` (named in errors); `theta` is the base
    /// when `parameters` has no `rope_theta`; `maxPositionEmbeddings` is LLaMA 3's fallback context.
    init(_ parameters: RopeParameters, key: String, theta: Double, headSize: Int, maxPositionEmbeddings: Int?, file: ConfigFile) throws {
        let type = parameters.ropeType ?? parameters.type ?? "default"
        let base = parameters.ropeTheta ?? theta
        let unscaled = stride(from: 0, to: headSize, by: 2).map { 1 / Foundation.pow(base, Double($0) / Double(headSize)) }
        func required<T>(_ value: T?, _ name: String) throws -> T {
            guard let value else { throw ModelError.invalidConfig(path: file.url.path, detail: "\"\(key).\(name)\" is required for rope type \"\(type)\"") }
            return value
        }
        switch type {
        case "default":
            inverseFrequencies = .success(unscaled)
        case "linear":
            let factor = try required(parameters.factor, "factor")
            inverseFrequencies = .success(unscaled.map { $0 / factor })
        case "llama3":
            let factor = try required(parameters.factor, "factor")
            let low = try required(parameters.lowFreqFactor, "low_freq_factor")
            let high = try required(parameters.highFreqFactor, "high_freq_factor")
            let context = Double(try required(parameters.originalMaxPositionEmbeddings ?? maxPositionEmbeddings, "original_max_position_embeddings"))
            try file.require(high > low, "\(key).high_freq_factor", "(\(high)) must exceed low_freq_factor (\(low))")
            inverseFrequencies = .success(unscaled.map { frequency in
                let wavelength = 2 * Double.pi / frequency
                if wavelength < context / high { return frequency }
                if wavelength > context / low { return frequency / factor }
                let smooth = (context / wavelength - low) / (high - low)
                return (1 - smooth) * frequency / factor + smooth * frequency
            })
        default:
            inverseFrequencies = .failure(.invalidConfig(path: file.url.path, detail:
                "\(key) type \"\(type)\" is not supported for computing (supported: \(Self.supportedTypes.joined(separator: ", "))); only a meta (shape-only) run can use this config"))
        }
    }
}

/// Rotary position embedding tables (`LlamaRotaryEmbedding`, `Gemma3RotaryEmbedding`, ...): cos and
/// sin for positions `0..<S`, for each set of frequencies the layers use.
final class RotaryEmbedding: Module {
    let headSize: Int

    init(typeName: String, headSize: Int) {
        self.headSize = headSize
        super.init(typeName: typeName)
    }

    /// The tables of `frequencies` for the positions of `x` `[batch, length, hidden]`. A meta run
    /// needs only their shapes, so an unsupported rope type fails only when they must hold values.
    func callAsFunction(_ x: Tensor, frequencies: RotaryFrequencies) throws -> (cos: Tensor, sin: Tensor) {
        try scoped {
            let values: [Double]
            switch frequencies.inverseFrequencies {
            case let .success(computed): values = computed
            case let .failure(error):
                guard x.isMeta else { throw error }
                values = Array(repeating: 0, count: headSize / 2)
            }
            return try Tensor.rotaryTables(length: x.shape[1], inverseFrequencies: values, style: .halfRotation, meta: x.isMeta)
        }
    }
}
