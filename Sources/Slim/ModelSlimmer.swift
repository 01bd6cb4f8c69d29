import Formats
import Foundation
import Models
import NN
import Searchers
import Tensor

/// Slims a loaded model in memory: traces it on the verification input, finds the Linear2Linear
/// pairs and attention blocks, removes the all-zero channels (safe pairs only) and heads, then
/// runs the original and the slimmed model on the same input and compares. If anything fails,
/// the difference included, every parameter is put back and the error is thrown: the model is
/// slimmed completely or not at all.
public struct ModelSlimmer {
    public var options: SlimOptions
    /// Where the model's config keeps its sizes: `--uniform` slims only what they can say
    /// (nil: unknown, so a uniform slim slims nothing).
    public var sizeKeys: ConfigSizeKeys?

    public init(options: SlimOptions = SlimOptions(), sizeKeys: ConfigSizeKeys? = nil) {
        self.options = options
        self.sizeKeys = sizeKeys
    }

    /// Slims `model` in place and reports what changed. A model with nothing zeroed is left as it
    /// is and the report says so (`nothingToSlim`).
    public func slim(_ model: any TransformerModel) throws -> SlimReport {
        try options.validate()
        let inputs = try options.inputs ?? PlaceholderInputs.make(for: model, shape: nil, dtype: nil)
        let parameters = uniqueParameters(of: model)
        if let meta = parameters.first(where: { $0.parameter.tensor.isMeta }) {
            throw SlimError.unsupportedTensor(detail: "\(meta.name) is a meta tensor: slimming needs the weights loaded")
        }
        let snapshot = parameters.map { ($0.parameter, $0.parameter.tensor) }
        do {
            return try slim(model, inputs: inputs, parameters: parameters)
        } catch {
            for (parameter, tensor) in snapshot { parameter.tensor = tensor }
            throw error
        }
    }

    private func slim(_ model: any TransformerModel, inputs: ModelInputs,
                      parameters: [(name: String, parameter: Parameter)]) throws -> SlimReport {
        let reference = try model.forward(inputs)
        let trace = TraceSearcher(model: model, graph: try model.trace(inputs))
        let rows = linearRows(trace)
        let parametersBefore = parameters.reduce(0) { $0 + $1.parameter.tensor.elementCount }

        var changes: [SlimChange] = []
        var skipped: [SkippedFinding] = []
        func record(_ outcome: SlimOutcome) {
            switch outcome {
            case var .slimmed(change):
                change.flopsSaved = change.tensors.reduce(0) { total, tensor in
                    guard tensor.name.hasSuffix(".weight") else { return total }
                    return total + 2 * (rows[String(tensor.name.dropLast(".weight".count))] ?? 0) * tensor.removedElements
                }
                changes.append(change)
            case let .skipped(finding):
                skipped.append(finding)
            }
        }
        var notes: [String] = []
        if options.uniform, sizeKeys == nil, options.channels || options.heads {
            notes.append("--uniform: slimtrace does not know which config keys hold this family's sizes; nothing slimmed")
        }
        if options.channels, !options.uniform || sizeKeys != nil {
            let findings = Linear2LinearSearcher(trace: trace).searchWithRoutedExperts(explain: true)
            if options.uniform {
                let (experts, pairs) = (findings.filter { $0.experts != nil }, findings.filter { $0.experts == nil })
                try UniformSlim.channels(pairs, in: model, round: options.round).forEach(record)
                for finding in experts {
                    record(.skipped(SkippedFinding(kind: .channels, modules: [finding.rootLinear] + finding.targetFrontierLinears,
                                                   reason: "--uniform does not slim routed experts yet; slim without --uniform")))
                }
            } else {
                for finding in findings {
                    record(finding.experts == nil ? try ChannelSlim.apply(finding, in: model, round: options.round)
                                                  : try ExpertChannelSlim.apply(finding, in: model, round: options.round))
                }
            }
        }
        if options.heads {
            let findings = SelfMHASearcher(trace: trace).search()
            switch (options.uniform, sizeKeys?.heads) {
            case (false, _):
                for finding in findings { record(try HeadSlim.apply(finding, in: model, trace: trace)) }
            case (true, .explicit?):
                try UniformSlim.heads(findings, in: model, trace: trace).forEach(record)
            case let (true, .derived(rule)?):
                notes.append("--uniform: heads left as they are: the config derives the head size (\(rule)), so it cannot say fewer heads")
            case (true, nil):
                break
            }
        }

        let slimmed = try model.forward(inputs)
        let difference = try maxAbsDifference(slimmed, reference)
        guard difference <= options.tolerance else {
            throw SlimError.verificationFailed(maxAbsDiff: difference, tolerance: options.tolerance,
                                               detail: "on the verification input \(Shape.describe(inputs.entries.first?.tensor.shape ?? []))")
        }
        let parametersAfter = parameters.reduce(0) { $0 + $1.parameter.tensor.elementCount }
        let flops = changes.reduce(0) { $0 + $1.flopsSaved }
        let summary = changes.isEmpty
            ? "nothing to slim: no all-zero channel group of \(options.round) in a safe pair and no all-zero head; the model is unchanged"
            : "slimmed \(changes.filter { $0.kind == .channels }.count) channel pair(s) and \(changes.filter { $0.kind == .heads }.count) attention block(s): "
                + "\(parametersBefore - parametersAfter) of \(parametersBefore) parameters removed, max abs diff \(difference)"
        return SlimReport(
            model: model.typeName, source: nil, output: nil, round: options.round, uniform: options.uniform,
            inputShape: inputs.entries.first?.tensor.shape ?? [], changes: changes, skipped: skipped, notes: notes,
            parametersBefore: parametersBefore, parametersAfter: parametersAfter, flopsSaved: flops,
            maxAbsDiff: difference, tolerance: options.tolerance, nothingToSlim: changes.isEmpty, summary: summary, huggingFace: nil)
    }

    /// Every parameter once (tied ones under their first name).
    private func uniqueParameters(of model: Module) -> [(name: String, parameter: Parameter)] {
        var seen = Set<ObjectIdentifier>()
        return model.namedParameters().filter { seen.insert(ObjectIdentifier($0.parameter)).inserted }
    }

    /// Rows (tokens) each linear module multiplied in the trace, summed over its calls.
    private func linearRows(_ trace: TraceSearcher) -> [String: Int] {
        var rows: [String: Int] = [:]
        for node in trace.linearNodes {
            guard let input = node.inputs.first else { continue }
            let shape = trace.graph.values[input].shape
            guard let features = shape.last, features > 0 else { continue }
            rows[node.scope?.path ?? "", default: 0] += shape.reduce(1, *) / features
        }
        return rows
    }
}

/// The largest `|a - b|` (infinity for different shapes or a NaN).
func maxAbsDifference(_ a: Tensor, _ b: Tensor) throws -> Float {
    guard a.shape == b.shape else { return .infinity }
    var largest: Float = 0
    for (x, y) in zip(try a.floats(), try b.floats()) {
        let difference = abs(x - y)
        if !(difference <= largest) { largest = difference.isNaN ? .infinity : difference }
    }
    return largest
}
