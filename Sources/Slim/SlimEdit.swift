import NN
import Searchers
import Tensor

/// Helpers shared by the channel and head slims: replacing parameters, naming what changed.
enum SlimEdit {
    /// Replaces each parameter's tensor and returns the shape changes, named by `names`.
    static func apply(_ replacements: [(Parameter, Tensor)], names: [ObjectIdentifier: String]) -> [TensorShapeChange] {
        replacements.map { parameter, tensor in
            let change = TensorShapeChange(name: names[ObjectIdentifier(parameter)] ?? "?", before: parameter.shape, after: tensor.shape)
            parameter.tensor = tensor
            return change
        }
    }

    /// The dotted names of the projections' parameters (`<module>.weight`, `<module>.bias`).
    static func parameterNames(_ projections: [Projection]) -> [ObjectIdentifier: String] {
        var names: [ObjectIdentifier: String] = [:]
        for projection in projections {
            for (name, parameter) in projection.namedParameters {
                names[ObjectIdentifier(parameter)] = projection.path.isEmpty ? name : projection.path + "." + name
            }
        }
        return names
    }

    /// The layer a change belongs to: the common parent of its modules, cut after its last
    /// numbered part (`bert.encoder.layer.0.attention.self` → `bert.encoder.layer.0`); the common
    /// parent itself when no part is a number (`classifier`).
    static func layerKey(of modules: [String]) -> String {
        guard let first = modules.first else { return "" }
        let common = modules.dropFirst().reduce(first) { ModulePaths.commonModule($0, $1) }
        let parts = common.split(separator: ".", omittingEmptySubsequences: false)
        guard let last = parts.lastIndex(where: { !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return common }
        return parts[...last].joined(separator: ".")
    }

    /// Whether a layer key names a layer of the stack (has a layer number: `model.layers.0`), not
    /// a module outside it (`classifier`).
    static func isInLayerStack(_ layer: String) -> Bool {
        layer.split(separator: ".").contains { $0.allSatisfy(\.isNumber) }
    }
}
