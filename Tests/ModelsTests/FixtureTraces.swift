import Formats
import Models
import NN
import TestFixtures
import Tracer

/// Fixture checkpoints traced on their placeholder input, as `slimtrace trace` does.
enum FixtureTraces {
    /// The graph of one forward pass of fixture `name` on its model's placeholder input: with the
    /// weights loaded, or in meta mode (the model built from `config.json` and the tensor names,
    /// a shape-only input).
    static func placeholderTrace(_ name: String, meta: Bool) throws -> Graph {
        let checkpoint = try Checkpoint(directory: Fixtures.model(name))
        let model: any TransformerModel
        if meta {
            model = try Architectures.build(config: checkpoint.config, parameterNames: checkpoint.tensorNames)
        } else {
            model = try checkpoint.loadModel()
        }
        let inputs = try PlaceholderInputs.make(for: model, shape: nil, dtype: nil, meta: meta)
        return try model.trace(inputs)
    }
}
