import Tensor

/// One node of a `Graph`, in execution order: what it is (`kind`: a tensor op, or a source of
/// values), on which values (`inputs`, in argument order), producing which values (`outputs`),
/// and in which module (`scope`).
///
/// Besides tensor ops, three kinds of node produce the values an op reads without computing them:
/// `input` (a named model input), `parameter` (a module parameter, created where it is first read,
/// with the scope of the module that owns it, like TorchScript's `GetAttr`) and `constant` (a
/// tensor an op received that the trace had not seen, e.g. one created inside a forward body).
public struct Node: Sendable, Codable, Equatable {
    /// What a node is: an op that computes, or one of the sources of values.
    public enum Kind: Sendable, Hashable {
        /// A named model input.
        case input
        /// A module parameter.
        case parameter
        /// A tensor the trace had not seen before an op received it.
        case constant
        /// A tensor op.
        case op(Op)

        /// The name graphs print (IR, JSON, DOT): `input`, `param`, `constant` or the op's name.
        public var name: String {
            switch self {
            case .input: "input"
            case .parameter: "param"
            case .constant: "constant"
            case let .op(op): op.rawValue
            }
        }

        /// The kind whose printed name is `name`, or nil for an unknown name.
        public init?(name: String) {
            switch name {
            case Kind.input.name: self = .input
            case Kind.parameter.name: self = .parameter
            case Kind.constant.name: self = .constant
            default:
                guard let op = Op(rawValue: name) else { return nil }
                self = .op(op)
            }
        }
    }

    /// Index of this node in `Graph.nodes`.
    public var id: Int
    /// What the node is.
    public var kind: Kind
    /// Ids of the values the op read, in argument order (a value read twice appears twice).
    public var inputs: [Int]
    /// Ids of the values the op produced.
    public var outputs: [Int]
    /// The op's non-tensor arguments (`dim`, `eps`, `approximate`, ...).
    public var attributes: [String: OpAttribute]
    /// The innermost module active when the op ran; for a `parameter` node, the module owning the
    /// parameter; nil for model inputs and ops run outside every module.
    public var scope: Scope?

    public init(id: Int, kind: Kind, inputs: [Int], outputs: [Int], attributes: [String: OpAttribute] = [:], scope: Scope? = nil) {
        self.id = id
        self.kind = kind
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.scope = scope
    }

    /// The op this node ran, nil for the sources of values.
    public var op: Op? {
        if case let .op(op) = kind { op } else { nil }
    }

    /// True when this node ran one of `ops`.
    public func runs(_ ops: Set<Op>) -> Bool {
        op.map(ops.contains) ?? false
    }

    /// True for a `parameter` node.
    public var isParameter: Bool { kind == .parameter }
    /// True for an `input` node.
    public var isInput: Bool { kind == .input }
    /// True for a `constant` node.
    public var isConstant: Bool { kind == .constant }
    /// True for the nodes that compute something (not `input`, `parameter` or `constant`).
    public var isOp: Bool { op != nil }

    // The kind is stored under `op`, by its printed name, as graphs have always been written.
    private enum CodingKeys: String, CodingKey {
        case id, op, inputs, outputs, attributes, scope
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .op)
        guard let kind = Kind(name: name) else {
            throw DecodingError.dataCorruptedError(forKey: .op, in: container, debugDescription: "unknown op \"\(name)\"")
        }
        self.init(id: try container.decode(Int.self, forKey: .id), kind: kind,
                  inputs: try container.decode([Int].self, forKey: .inputs),
                  outputs: try container.decode([Int].self, forKey: .outputs),
                  attributes: try container.decode([String: OpAttribute].self, forKey: .attributes),
                  scope: try container.decodeIfPresent(Scope.self, forKey: .scope))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind.name, forKey: .op)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(outputs, forKey: .outputs)
        try container.encode(attributes, forKey: .attributes)
        try container.encodeIfPresent(scope, forKey: .scope)
    }
}
