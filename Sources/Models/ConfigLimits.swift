/// Upper bounds on what a `config.json` may describe, checked before any module is built. Real
/// checkpoints stay far below them (the largest have about 10^12 parameters, a few hundred layers,
/// hidden sizes of 2^14 to 2^15, vocabularies of 256k and contexts of 10M positions); within them,
/// every shape's element and byte count fits in `Int`, and a meta (shape-only) build is quick.
public enum ConfigLimits {
    /// Layers (`num_hidden_layers`, `n_layer`, `n_layers`).
    public static let layers = 10_000
    /// A width (hidden, intermediate, embedding, head and label sizes, head counts, channels,
    /// patch side): 2^20.
    public static let width = 1 << 20
    /// A table's rows (`vocab_size`, `max_position_embeddings`, `n_positions`, `type_vocab_size`,
    /// the image side and a ViT's patch count): 2^28.
    public static let tableSize = 1 << 28
    /// Parameters of the whole model: 10^13.
    public static let parameters = 10_000_000_000_000
    /// Bytes of `config.json` (64 MiB; a real one is a few kilobytes), checked before it is read.
    public static let configFileBytes = 64 << 20
}
