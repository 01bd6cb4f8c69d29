import Tensor
import NN

/// A module whose only child is the list of layers, run one after the other (`BertEncoder`,
/// `ViTEncoder`, DistilBERT's `Transformer`; `typeName` is the family's class). The list is `layer`.
final class LayerStack<Layer: Module>: Module {
    @ModuleInfo(key: "layer") var layers: ModuleList<Layer>

    init(typeName: String, _ layers: [Layer]) {
        super.init(typeName: typeName)
        self.layers = ModuleList(layers)
    }

    /// `hidden` through every layer, each run by `step(layer, hidden)`.
    func callAsFunction(_ hidden: Tensor, _ step: (Layer, Tensor) throws -> Tensor) throws -> Tensor {
        try scoped { try layers.items.reduce(hidden) { try step($1, $0) } }
    }
}
