import Tensor

/// `torch.nn.Identity`: returns its input and records no op. Hugging Face puts one where a layer
/// has nothing to do (ModernBERT's first `attn_norm`, its `out_drop` without dropout), so it is in
/// the module tree.
public final class Identity: Module {
    public init() {
        super.init(typeName: "Identity")
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped { x }
    }
}
