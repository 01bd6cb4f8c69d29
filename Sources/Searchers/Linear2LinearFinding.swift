/// A linear layer whose input channels are coupled to the output channels of other linears through
/// channel-preserving elementwise ops only: slimming one side's channels slims the other's.
/// JSON keeps INC's shape (`root_linear`, `target_frontier_linears`) plus `safe`, `fused_glu`,
/// `experts` and, with `--explain`, `explain`.
public struct Linear2LinearFinding: Codable, Equatable, Sendable {
    /// The consuming linear (its input columns are the coupled channels).
    public var rootLinear: String
    /// The producing linears (their output rows are the coupled channels), in INC's order.
    public var targetFrontierLinears: [String]
    /// True when the frontiers' outputs flow only into this root, with no residual joining them:
    /// removing the coupled channels then changes nothing else.
    public var safe: Bool
    /// True (absent otherwise) when a frontier is a fused GLU projection: one linear whose output
    /// is split into equal pieces (Phi-3's `gate_up_proj`, chunked into gate and up) that all reach
    /// the root; its coupled channels are the same channels of every piece.
    public var fusedGLU: Bool?
    /// The number of routed experts (absent otherwise) when root and frontiers are the 3-D
    /// parameters of a routed-experts block (Mixtral's `experts.down_proj` and
    /// `experts.gate_up_proj`): the channels are coupled in every expert, routed to or not.
    public var experts: Int?
    /// Why, when asked for: the op path that coupled the layers, and what makes it unsafe.
    public var explain: Explanation?

    /// The evidence behind a finding.
    public struct Explanation: Codable, Equatable, Sendable {
        /// The ops from a frontier to the root, `op at module` each.
        public var path: [String]
        /// The op and module that make the finding unsafe, when it is.
        public var unsafeBecause: String?

        enum CodingKeys: String, CodingKey {
            case path
            case unsafeBecause = "unsafe_because"
        }
    }

    enum CodingKeys: String, CodingKey {
        case rootLinear = "root_linear"
        case targetFrontierLinears = "target_frontier_linears"
        case safe, explain
        case fusedGLU = "fused_glu"
        case experts
    }
}

/// A linear that is not a root, and the op that ended the backward walk from its input.
public struct StoppedLinear: Codable, Equatable, Sendable {
    /// The linear's module path.
    public var linear: String
    /// `op at module` where the walk stopped (e.g. `layer_norm at bert.encoder.layer.0.attention.output.LayerNorm`).
    public var stoppedAt: String

    enum CodingKeys: String, CodingKey {
        case linear
        case stoppedAt = "stopped_at"
    }
}
