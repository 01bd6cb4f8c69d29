import Tensor
import NN

/// The first token's hidden state through `dense → activation` (`BertPooler`, `ViTPooler`, ...;
/// `typeName` is the family's class).
final class Pooler: Module {
    @ModuleInfo(key: "dense") var dense: Linear
    @ModuleInfo(key: "activation") var activation: Activation

    init(typeName: String, hiddenSize: Int, outputSize: Int, activation: ActivationName) {
        super.init(typeName: typeName)
        dense = Linear(inFeatures: hiddenSize, outFeatures: outputSize)
        self.activation = Activation(activation)
    }

    func callAsFunction(_ hidden: Tensor) throws -> Tensor {
        try scoped { try activation(dense(hidden.select(1, 0))) }
    }
}
