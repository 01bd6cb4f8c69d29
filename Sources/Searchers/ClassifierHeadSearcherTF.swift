import Formats
import Foundation

/// The classifier head of a Keras model (INC's `ClassifierHeadSearcherTF`, in
/// `neural_compressor.compression.pruner.model_slim.pattern_analyzer`): over the top-level
/// `model.layers` minus `Dropout` layers, the last layer whose class is `Dense` or `Conv2D`,
/// if it is the very last remaining layer; nil otherwise.
///
/// Where INC differs:
/// - INC lists `Conv2d` (PyTorch's spelling), which no Keras layer is called, so it never finds a
///   convolutional head; this searcher uses Keras' `Conv2D`. `incCompatible: true` restores INC's
///   class set (`Dense`, `Conv2d`) for comparing with INC's answers.
/// - INC raises `IndexError` when no layer has a head class; this returns nil.
///
/// `model.layers` is what Keras lists after loading the archive (see `KerasModel`): a Sequential's
/// `InputLayer` is not in it, a Functional model's are; a nested model is one layer.
public struct ClassifierHeadSearcherTF: Sendable {
    /// Keras' class names of the layers that can be a classifier head.
    public static let headClasses: Set<String> = ["Dense", "Conv2D"]
    /// INC's `pruning_ops` for Keras, with its `Conv2d` typo.
    public static let incHeadClasses: Set<String> = ["Dense", "Conv2d"]
    /// INC's `excluded_ops`: layers skipped before the head rule is applied.
    public static let excludedClasses: Set<String> = ["Dropout"]

    public let model: KerasModel
    /// Use INC's class set (`Dense`, `Conv2d`) instead of Keras' (`Dense`, `Conv2D`).
    public let incCompatible: Bool

    public init(model: KerasModel, incCompatible: Bool = false) {
        self.model = model
        self.incCompatible = incCompatible
    }

    /// Reads the `.keras` archive at `url` (see `KerasArchive`).
    public init(archive url: URL, incCompatible: Bool = false) throws {
        self.init(model: try KerasArchive(url: url).model, incCompatible: incCompatible)
    }

    /// The classes this searcher treats as a head.
    public var headClasses: Set<String> { incCompatible ? Self.incHeadClasses : Self.headClasses }

    /// The name of the classifier head, or nil when the last non-Dropout layer is not a head
    /// class (or, where INC would raise, when no layer is).
    public func search() -> String? {
        HeadRule.lastLayer(of: model.layers.map { ($0.name, $0.className) },
                           headClasses: headClasses, excluded: Self.excludedClasses)
    }
}
