import Formats
import NN
import Tensor

/// How a checkpoint saves a parameter that is not under the parameter's own dotted name.
/// transformers 5 renames and fuses some tensors when it loads a checkpoint (its conversion
/// mapping) and undoes that when it saves, so checkpoints keep the classic names; slimtrace reads
/// and writes them the same way.
public enum StoredParameter: Equatable, Sendable {
    /// Under another name (Mixtral's `block_sparse_moe.gate.weight` for `mlp.gate.weight`).
    case renamed(String)
    /// As 2-D tensors, per expert its parts (`[[w1, w3], ...]`): the parameter
    /// `[experts, rows, columns]` holds, for expert `e`, its parts concatenated along the rows.
    /// Every part of a parameter has the same shape.
    case experts([[String]])

    /// Every stored tensor name the form uses.
    public var storedNames: [String] {
        switch self {
        case let .renamed(name): [name]
        case let .experts(parts): parts.flatMap { $0 }
        }
    }

    /// The shape each stored tensor must have for a parameter of `shape`.
    func partShape(for shape: [Int]) -> [Int]? {
        switch self {
        case .renamed: return shape
        case let .experts(parts):
            guard shape.count == 3, let count = parts.first?.count, count > 0, parts.count == shape[0], shape[1] % count == 0 else { return nil }
            return [shape[1] / count, shape[2]]
        }
    }

    /// The shape of the parameter assembled from stored tensors of shape `stored`.
    func parameterShape(partShape stored: [Int]) -> [Int] {
        switch self {
        case .renamed: stored
        case let .experts(parts): [parts.count, (parts.first?.count ?? 0) * (stored.first ?? 0)] + stored.dropFirst()
        }
    }

    /// The parameter assembled from the stored tensors `tensor(name)` gives (f32).
    func assemble(_ tensor: (String) throws -> Tensor) throws -> Tensor {
        switch self {
        case let .renamed(name):
            return try tensor(name)
        case let .experts(parts):
            let experts = try parts.map { names in
                try Tensor.concat(names.map { try tensor($0) }, axis: 0).unsqueeze(0)
            }
            return try Tensor.concat(experts, axis: 0)
        }
    }

    /// The stored tensor `name` cut from the parameter's (possibly slimmed) value, or nil when the
    /// form does not use that name.
    public func part(named name: String, of value: Tensor) throws -> Tensor? {
        switch self {
        case let .renamed(stored):
            return stored == name ? value : nil
        case let .experts(parts):
            for (expert, names) in parts.enumerated() {
                guard let piece = names.firstIndex(of: name) else { continue }
                let rows = value.shape[1] / names.count
                return try value.select(0, expert).narrow(0, start: piece * rows, length: rows).contiguous()
            }
            return nil
        }
    }
}

/// A module some of whose parameters checkpoints may save under other names: for each, the forms
/// to try in order (the parameter's own name is always tried first).
protocol StoredUnderOtherNames: Module {
    /// The other forms of this module's parameters, for the module at dotted `path`.
    func storedForms(path: String) -> [(Parameter, StoredParameter)]
}

/// Where each parameter of a model is in a checkpoint holding tensors `stored`: under one of its
/// own names or the model's legacy names for them (`TransformerModel.legacyTensorNames`), or in
/// another form its module declares (`StoredUnderOtherNames`).
public struct CheckpointLayout {
    /// Each distinct parameter once, with its dotted names and where the checkpoint has it (nil:
    /// nowhere).
    public let entries: [(names: [String], parameter: Parameter, source: StoredParameter?)]

    public init(model: Module, stored: Set<String>) {
        var forms: [ObjectIdentifier: [StoredParameter]] = [:]
        for (path, module) in model.namedModules() {
            guard let module = module as? StoredUnderOtherNames else { continue }
            for (parameter, form) in module.storedForms(path: path) { forms[ObjectIdentifier(parameter), default: []].append(form) }
        }
        entries = model.uniqueParameters().map { names, parameter in
            let own = model.checkpointNames(names).first(where: stored.contains).map(StoredParameter.renamed)
            let other = forms[ObjectIdentifier(parameter)]?.first { $0.storedNames.allSatisfy(stored.contains) }
            return (names, parameter, own ?? other)
        }
    }

    /// Every stored name some parameter is read from.
    public var usedNames: Set<String> { Set(entries.flatMap { $0.source?.storedNames ?? [] }) }

    /// For each stored name, the parameter it belongs to and the form it is read in.
    public var parameterOfStoredName: [String: (parameter: Parameter, form: StoredParameter)] {
        var result: [String: (parameter: Parameter, form: StoredParameter)] = [:]
        for entry in entries {
            guard let source = entry.source else { continue }
            for name in source.storedNames { result[name] = (entry.parameter, source) }
        }
        return result
    }
}
