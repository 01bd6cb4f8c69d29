import Tensor

/// One op of a `Graph`, in execution order: what ran (`op`), on which values (`inputs`, in argument
/// order), producing which values (`outputs`), and in which module (`scope`).
///
/// Besides tensor ops, three kinds of node produce the values an op reads without computing them:
/// `input` (a named model input), `param` (a module parameter, created where it is first read, with
/// the scope of the module that owns it, like TorchScript's `GetAttr`) and `constant` (a tensor an
/// op received that the trace had not seen, e.g. one created inside a forward body).
public struct Node: Sendable, Codable, Equatable {
    /// The op names of the nodes that produce values without computing them.
    public enum Source {
        /// A named model input.
        public static let input = "input"
        /// A module parameter.
        public static let parameter = "param"
        /// A tensor the trace had not seen before an op received it.
        public static let constant = "constant"
    }

    /// Index of this node in `Graph.nodes`.
    public var id: Int
    /// The op name (`linear`, `gelu`, `add`, `layer_norm`, ..., or `input`, `param`, `constant`).
    public var op: String
    /// Ids of the values the op read, in argument order (a value read twice appears twice).
    public var inputs: [Int]
    /// Ids of the values the op produced.
    public var outputs: [Int]
    /// The op's non-tensor arguments (`dim`, `eps`, `approximate`, ...).
    public var attributes: [String: OpAttribute]
    /// The innermost module active when the op ran; for a `param` node, the module owning the
    /// parameter; nil for model inputs and ops run outside every module.
    public var scope: Scope?

    public init(id: Int, op: String, inputs: [Int], outputs: [Int], attributes: [String: OpAttribute] = [:], scope: Scope? = nil) {
        self.id = id
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.scope = scope
    }

    /// True for a `param` node.
    public var isParameter: Bool { op == Source.parameter }
    /// True for an `input` node.
    public var isInput: Bool { op == Source.input }
    /// True for a `constant` node.
    public var isConstant: Bool { op == Source.constant }
    /// True for the nodes that compute something (not `input`, `param` or `constant`).
    public var isOp: Bool { !isParameter && !isInput && !isConstant }
}
