import Formats
import Models

/// How to slim: the channel rounding, what to slim, and how close the outputs must stay.
public struct SlimOptions: Sendable {
    /// Feed-forward channels are removed in multiples of this (INC's `round_multiplier`, 32):
    /// the count of all-zero channels is rounded down. 1 removes every all-zero channel.
    public var round: Int
    /// Slim the feed-forward (Linear2Linear) channels.
    public var channels: Bool
    /// Slim the attention heads.
    public var heads: Bool
    /// Remove the same amount from every layer, and only what the family's config can say
    /// (`UniformSlim`), so that Hugging Face loads the result.
    public var uniform: Bool
    /// The largest max-abs difference allowed between the original and the slimmed model's
    /// outputs on the verification input; above it the slim fails and nothing is written
    /// (negative: every verification fails).
    public var tolerance: Float
    /// The batch the search is traced on and the outputs are compared on; nil: the model's
    /// placeholder (ones of its default input shape, `[1, 16]` token ids).
    public var inputs: ModelInputs?

    public init(round: Int = 32, channels: Bool = true, heads: Bool = true, uniform: Bool = false, tolerance: Float = 1e-5,
                inputs: ModelInputs? = nil) {
        self.round = round
        self.channels = channels
        self.heads = heads
        self.uniform = uniform
        self.tolerance = tolerance
        self.inputs = inputs
    }

    /// Throws `SlimError.invalidOption` for a round below 1 or a NaN tolerance. A negative
    /// tolerance is allowed: no difference passes it, so every verification fails (the way to
    /// exercise the failure path; the CLI accepts only non-negative values).
    func validate() throws {
        guard round >= 1 else { throw SlimError.invalidOption(name: "round", detail: "must be at least 1, got \(round)") }
        guard !tolerance.isNaN else { throw SlimError.invalidOption(name: "tolerance", detail: "must be a number, got NaN") }
    }
}
