import Tensor

/// Named input tensors for one forward pass, in the order given.
public struct ModelInputs: Sendable {
    public private(set) var entries: [(name: String, tensor: Tensor)]

    public init(_ entries: [(name: String, tensor: Tensor)]) {
        self.entries = entries
    }

    /// The tensor named `name`, if given.
    public subscript(name: String) -> Tensor? {
        entries.first { $0.name == name }?.tensor
    }

    /// The same inputs with `tensor` for `name` (replacing or appending).
    public func replacing(_ name: String, with tensor: Tensor) -> ModelInputs {
        var copy = self
        if let index = copy.entries.firstIndex(where: { $0.name == name }) {
            copy.entries[index].tensor = tensor
        } else {
            copy.entries.append((name, tensor))
        }
        return copy
    }
}
