import NN
import Tensor

/// Gathers `ChannelStatistics` of the inputs of chosen linear modules during ordinary forward
/// passes: an op recorder and module-call observer (like the `Tracer`, but recording nothing
/// else) that, when a `linear` op runs directly inside one of the watched modules, adds that op's
/// input to the module's statistics. FLAP's and Wanda's `add_batch` forward hooks on the root
/// linears.
public final class ActivationRecorder: OpRecorder, ModuleCallObserver {
    /// The statistics of each watched module, by module path.
    public private(set) var statistics: [String: ChannelStatistics] = [:]

    private let watched: [ObjectIdentifier: String]
    private var stack: [ObjectIdentifier] = []

    /// A recorder for the modules `paths` and `extra` of `model`, each a linear with `channels`
    /// input channels; with `secondMoments`, the statistics of `paths` (not `extra`) include their
    /// inputs' Gram matrix.
    public init(model: Module, paths: [(path: String, channels: Int)], secondMoments: Bool = false,
                alsoWatching extra: [(path: String, channels: Int)] = []) throws {
        let modules = Dictionary(model.namedModules().map { ($0.path, $0.module) }, uniquingKeysWith: { first, _ in first })
        var watched: [ObjectIdentifier: String] = [:]
        for (index, (path, channels)) in (paths + extra).enumerated() {
            guard let module = modules[path] else { throw PruneError.missingModule(path: path) }
            watched[ObjectIdentifier(module)] = path
            statistics[path] = ChannelStatistics(channels: channels, secondMoments: secondMoments && index < paths.count)
        }
        self.watched = watched
    }

    /// Runs `forward` with this recorder installed.
    public func observe<R>(_ forward: () throws -> R) rethrows -> R {
        try OpRecording.withRecorder(self, forward)
    }

    public func record(op: Op, inputs: [Tensor], outputs: [Tensor], attributes: [String: OpAttribute]) -> [Int] {
        if op == .linear, let current = stack.last, let path = watched[current], let input = inputs.first,
           let width = input.shape.last, width == statistics[path]?.channels, let values = try? input.floats() {
            values.withUnsafeBufferPointer { statistics[path]!.add($0, rows: values.count / max(width, 1)) }
        }
        return outputs.map { _ in -1 }
    }

    public func enter(_ module: Module) { stack.append(ObjectIdentifier(module)) }

    public func exit(_ module: Module) { stack.removeLast() }

    public func read(_ parameter: Parameter, of module: Module) -> Tensor { parameter.tensor }
}
