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
/// `Conv1D`), `GPTJMLP` (`fc_in`, `fc_out`), `GPTNeoXMLP`, `FalconMLP` (`FalconLinear`s), `BloomMLP`
/// and `PhiMLP` differ only in these names, the projections' weight layout, whether there is a
/// dropout, and where Hugging Face assigns the activation (`order`).
final class GPTMLP<Projection: TensorLayer>: Module {
    /// Where the activation module comes among the children, as Hugging Face assigns them.
    enum Order {
        /// The two projections, the activation, the dropout (GPT-2, GPT-J, GPT-NeoX).
        case projectionsFirst
        /// The first projection, the activation, the second (Falcon, BLOOM).
        case activationBetween
        /// The activation, then the projections (Phi).
        case activationFirst
    }

    @ModuleInfo var inProjection: Projection
    @ModuleInfo var outProjection: Projection
    @ModuleInfo var act: Activation
    @ModuleInfo(key: "dropout") var dropout: Dropout?

    /// `typeName` is the Hugging Face class; each projection and the activation come with their
    /// attribute names; no dropout module when `dropout` is nil.
    init(typeName: String, in inProjection: (name: String, module: Projection), out outProjection: (name: String, module: Projection),
         activation: (name: String, module: Activation), dropout: Double?, order: Order = .projectionsFirst) {
        _inProjection = ModuleInfo(key: inProjection.name)
        _outProjection = ModuleInfo(key: outProjection.name)
        _act = ModuleInfo(key: activation.name)
        super.init(typeName: typeName)
        if order == .activationFirst { act = activation.module }
        self.inProjection = inProjection.module
        if order == .activationBetween { act = activation.module }
        self.outProjection = outProjection.module
        if order == .projectionsFirst { act = activation.module }
        self.dropout = dropout.map { Dropout(probability: $0) }
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let output = try outProjection(act(inProjection(x)))
            return try dropout.map { try $0(output) } ?? output
        }
    }
}
