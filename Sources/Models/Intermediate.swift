import Tensor
import NN

/// The feed-forward expansion `dense → activation` of the encoders (`BertIntermediate`,
/// `ViTIntermediate`, ...; `typeName` is the family's class).
final class Intermediate: Module {
    @ModuleInfo(key: "dense") var dense: Linear
    @ModuleInfo(key: "intermediate_act_fn") var activation: Activation

    init(typeName: String, hiddenSize: Int, intermediateSize: Int, activation: ActivationName) {
        super.init(typeName: typeName)
        dense = Linear(inFeatures: hiddenSize, outFeatures: intermediateSize)
        self.activation = Activation(activation)
    }

    func callAsFunction(_ hidden: Tensor) throws -> Tensor {
        try scoped { try activation(dense(hidden)) }
    }
}
