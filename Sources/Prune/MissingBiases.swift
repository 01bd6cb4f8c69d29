import NN
import Tensor

/// The zero biases that make one family switch true (`mlp_bias`, `attention_bias` in a LLaMA
/// config: Hugging Face then gives every linear of every such module a bias): for every module
/// whose class is one of `kinds`, each `Linear` child without a bias and not already in `added`
/// gets zeros, by parameter name.
enum MissingBiases {
    static func addZeros(to added: inout [String: Tensor], inModulesOfType kinds: Set<String>, of model: Module) {
        for (path, module) in model.namedModules() where kinds.contains(module.typeName) {
            for (name, child) in module.children {
                guard let linear = child as? Linear, linear.bias == nil else { continue }
                let key = (path.isEmpty ? "" : path + ".") + name + ".bias"
                if added[key] == nil { added[key] = Tensor.zeros(shape: [linear.outFeatures]) }
            }
        }
    }

    /// The module path of `path`'s parent.
    static func parent(of path: String) -> String {
        path.split(separator: ".").dropLast().joined(separator: ".")
    }
}
