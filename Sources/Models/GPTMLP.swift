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
/// projections' weight layout. Children are assigned as Hugging Face assigns them: the two
/// projections, `act`, `dropout`.
final class GPTMLP<Projection: TensorLayer>: Module {
    @ModuleInfo var inProjection: Projection
    @ModuleInfo var outProjection: Projection
    @ModuleInfo(key: "act") var act: Activation
    @ModuleInfo(key: "dropout") var dropout: Dropout

    /// `typeName` is the Hugging Face class; each projection comes with its attribute name.
    init(typeName: String, in inProjection: (name: String, module: Projection), out outProjection: (name: String, module: Projection),
         activation: ActivationName, dropout: Double) {
        _inProjection = ModuleInfo(key: inProjection.name)
        _outProjection = ModuleInfo(key: outProjection.name)
        super.init(typeName: typeName)
        self.inProjection = inProjection.module
        self.outProjection = outProjection.module
        act = Activation(activation)
        self.dropout = Dropout(probability: dropout)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try dropout(outProjection(act(inProjection(x)))) }
    }
}
