import NN
import Tensor

/// A module that maps one tensor to one: what `GPTMLP` needs of its projections (`Linear`, and
/// GPT-2's `Conv1D`).
protocol TensorLayer: Module {
    func callAsFunction(_ x: Tensor) throws -> Tensor
}

extension Linear: TensorLayer {}
extension Conv1D: TensorLayer {}

/// The GPT feed-forward block, `in → activation → out → dropout`: `GPT2MLP` (`c_fc`, `c_proj`, both
/// `Conv1D`) and `GPTJMLP` (`fc_in`, `fc_out`, both `Linear`) differ only in these names and in the
/// projections' weight layout. Children register as Hugging Face assigns them: the two
/// projections, `act`, `dropout`.
final class GPTMLP<Projection: TensorLayer>: Module {
    let inProjection: Projection
    let outProjection: Projection
    let act: Activation
    let dropout: Dropout

    /// `typeName` is the Hugging Face class; each projection comes with its attribute name.
    init(typeName: String, in inProjection: (name: String, module: Projection), out outProjection: (name: String, module: Projection),
         activation: Activation, dropout: Double) {
        self.inProjection = inProjection.module
        self.outProjection = outProjection.module
        act = activation
        self.dropout = Dropout(probability: dropout)
        super.init(typeName: typeName)
        register(inProjection.name, inProjection.module)
        register(outProjection.name, outProjection.module)
        register("act", act)
        register("dropout", self.dropout)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try dropout(outProjection(act(inProjection(x)))) }
    }
}
