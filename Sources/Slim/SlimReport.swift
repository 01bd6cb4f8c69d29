/// What a slim did (Codable, for `--json`): every change with its tensors' shapes before and
/// after, the findings left alone and why, parameters and FLOPs saved, and how far the slimmed
/// model's outputs are from the original's. `SlimReport+Table` renders it as text.
public struct SlimReport: Codable, Equatable, Sendable {
    /// The model's class (`BertForSequenceClassification`).
    public var model: String
    /// The checkpoint folder slimmed, when slimmed from one.
    public var source: String?
    /// The folder written, when one was.
    public var output: String?
    /// The channel rounding used.
    public var round: Int
    /// True for a uniform slim (`--uniform`: the same amount from every layer).
    public var uniform: Bool
    /// Shape of the verification input (the primary input).
    public var inputShape: [Int]
    /// Each structure changed, in the order slimmed (channel pairs in execution order, then heads).
    public var changes: [SlimChange]
    /// Findings left alone, with the reason.
    public var skipped: [SkippedFinding]
    /// What a uniform slim left because the family's config cannot say it, one line each.
    public var notes: [String]
    /// Parameter elements before and after (a tied parameter counts once).
    public var parametersBefore: Int
    public var parametersAfter: Int
    /// FLOPs saved on the verification input (2 · rows · removed weights, per linear call).
    public var flopsSaved: Int
    /// Max abs difference between the original and the slimmed model's outputs on the verification input.
    public var maxAbsDiff: Float
    /// The largest difference allowed.
    public var tolerance: Float
    /// True when nothing could be slimmed: the model slims to itself.
    public var nothingToSlim: Bool
    /// One line saying what happened.
    public var summary: String
    /// Whether Hugging Face transformers loads the result (known when slimmed from a checkpoint).
    public var huggingFace: HuggingFaceForm?

    /// Parameter elements removed.
    public var parametersRemoved: Int { parametersBefore - parametersAfter }

    enum CodingKeys: String, CodingKey {
        case model, source, output, round, uniform
        case inputShape = "input_shape"
        case changes, skipped, notes
        case parametersBefore = "parameters_before"
        case parametersAfter = "parameters_after"
        case flopsSaved = "flops_saved"
        case maxAbsDiff = "max_abs_diff"
        case tolerance
        case nothingToSlim = "nothing_to_slim"
        case summary
        case huggingFace = "hugging_face"
    }
}
