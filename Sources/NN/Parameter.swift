import Tensor

/// A learnable tensor of a module (a weight or a bias). Created with its expected shape as a meta
/// tensor; a checkpoint loader replaces `tensor` with the real data.
public final class Parameter {
    /// The data (or a meta tensor before loading, and in meta mode).
    public var tensor: Tensor

    /// A parameter that will hold a `shape` tensor (meta until loaded).
    public init(shape: [Int], dtype: DType = .f32) {
        tensor = .meta(shape: shape, dtype: dtype)
    }

    /// A parameter holding `tensor`.
    public init(_ tensor: Tensor) {
        self.tensor = tensor
    }

    /// The shape of the data.
    public var shape: [Int] { tensor.shape }
}
