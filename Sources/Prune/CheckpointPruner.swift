import Formats
import Foundation
import Models
import Slim
import Tensor

/// Prunes a checkpoint folder into a new one (FLAP's `main.py` end to end): loads the model,
/// prunes it (`Pruner` for feed-forward channels, `HeadPruner` for attention heads, statistics
/// from one calibration pass) from calibration batches, and writes either the zeroed, compensated
/// checkpoint at its original sizes (`keepShapes`, loadable by Hugging Face) or, by default, that
/// checkpoint slimmed by `CheckpointSlimmer` (the zeroed channels and heads removed, outputs verified).
///
/// Biases compensation needs on linears that had none are added to the tensors, with zeros on the
/// other linears of those modules and the family's switch (`mlp_bias: true` in a LLaMA config:
/// Hugging Face's `LlamaMLP` gives all three projections a bias then; `attention_bias: true`:
/// q, k, v and o) set in `config.json`.
public struct CheckpointPruner {
    public let checkpoint: Checkpoint
    public var options: PruneOptions
    /// The largest max-abs output difference accepted between the zeroed and the slimmed model
    /// (slimming removes exact zeros; only the summation order changes).
    public var slimTolerance: Float = 1e-3

    public init(directory: URL, options: PruneOptions) throws {
        checkpoint = try Checkpoint(directory: directory)
        self.options = options
    }

    /// What the callback hears: the step and its progress.
    public enum Stage: Sendable {
        case calibrating(done: Int, of: Int)
        case writing
        case slimming
    }

    /// Prunes with `calibration` batches and writes the result to the claimed folder `output`.
    public func prune(calibration: [ModelInputs], to output: OutputPath, keepShapes: Bool,
                      progress: (Stage) -> Void = { _ in }) throws -> PruneReport {
        try options.validate()
        let start = Date()
        var report = try pruneAndWrite(calibration: calibration, keepShapes: keepShapes, output: output, progress: progress)
        if !keepShapes {
            // The pruned model is gone: its copied weights wait in the storage pool, its reads in
            // the mapping; slimming needs neither.
            checkpoint.releaseResidentPages()
            TensorStorage.drainPool()
            progress(.slimming)
            let slimmed = try CheckpointSlimmer(directory: URL(fileURLWithPath: report.output),
                                                options: SlimOptions(round: 1, channels: true, heads: !report.headPlans.isEmpty, tolerance: slimTolerance))
                .slim(to: output)
            try? FileManager.default.removeItem(atPath: report.output)
            report.parametersAfter = slimmed.parametersAfter
        }
        report.output = output.path
        report.totalSeconds = Date().timeIntervalSince(start)
        report.summary = "\(options.method.rawValue) \(options.allocation.rawValue): removed \(report.channelsRemoved) of \(report.channelsTotal) feed-forward channels "
            + "in \(report.plans.count) pair(s)"
            + (options.headSparsity > 0 ? " and \(report.groupsRemoved) of \(report.groupsTotal) key/value groups in \(report.headPlans.count) attention block(s)" : "")
            + " from \(report.tokens) calibration tokens; "
            + (keepShapes ? "wrote the zeroed checkpoint at its original sizes" : "slimmed \(report.parametersBefore) to \(report.parametersAfter) parameters")
            + (options.method.reconstructs ? ", with least-squares reconstruction" : report.biasCompensation ? ", with bias compensation" : "")
        return report
    }

    /// Loads, prunes and writes the zeroed checkpoint: to `output` with `keepShapes`, else to a
    /// hidden sibling of it that the caller slims (its path is the report's `output`). The model
    /// goes out of scope on return, before slimming loads the sibling.
    private func pruneAndWrite(calibration: [ModelInputs], keepShapes: Bool, output: OutputPath,
                               progress: (Stage) -> Void) throws -> PruneReport {
        let model = try checkpoint.loadModel()
        let parameters = model.uniqueParameters().reduce(0) { $0 + $1.parameter.tensor.elementCount }
        let pruner = try Pruner(model: model)
        let headPruner = options.headSparsity > 0 ? try HeadPruner(model: model) : nil
        let calibrationStart = Date()
        var statistics = options.method.needsCalibration
            ? try pruner.calibrate(calibration, secondMoments: options.method.reconstructs, alsoWatching: headPruner?.watched ?? []) {
                progress(.calibrating(done: $0, of: calibration.count))
            } : [:]
        let calibrationSeconds = Date().timeIntervalSince(calibrationStart)
        // The forward passes touched every weight and left their activations' memory in the
        // storage pool; pruning copies only the weights it changes and needs neither.
        checkpoint.releaseResidentPages()
        TensorStorage.drainPool()
        let plans = try pruner.plan(options, statistics: statistics)
        let headPlans = try headPruner?.plan(options, statistics: statistics) ?? []
        let addedMLP = try pruner.apply(plans, statistics: &statistics, compensate: options.method.compensatesBias,
                                        reconstruct: options.method.reconstructs)
        let addedAttention = try headPruner?.apply(headPlans, statistics: statistics, compensate: options.method.compensatesBias) ?? []
        let added = addedMLP + addedAttention
        if let first = added.first, checkpoint.config.modelType != "llama" {
            throw PruneError.biasNotExpressible(modelType: checkpoint.config.modelType, path: String(first.name.dropLast(".bias".count)))
        }
        progress(.writing)
        let destination = keepShapes ? output : try OutputPath(
            output.url.deletingLastPathComponent().appendingPathComponent(".\(output.url.lastPathComponent).unslimmed").path,
            kind: .folder(replacing: true), inputs: [checkpoint.directory])
        try CheckpointWriter.write(tensors: try tensors(of: model, adding: added), metadata: checkpoint.metadata,
                                   config: try config(setting: (addedMLP.isEmpty ? [] : ["mlp_bias"]) + (addedAttention.isEmpty ? [] : ["attention_bias"])),
                                   auxiliaryFilesFrom: checkpoint.directory, to: destination)
        let addedElements = added.reduce(0) { $0 + $1.tensor.elementCount }
        var report = PruneReport(
            source: checkpoint.directory.path, output: destination.url.path, method: options.method, allocation: options.allocation,
            ffnSparsity: options.ffnSparsity, samples: calibration.count,
            tokens: calibration.reduce(0) { $0 + ($1.entries.first?.tensor.elementCount ?? 0) },
            keepShapes: keepShapes, biasCompensation: options.method.compensatesBias, addedBiases: added.count,
            channelsRemoved: plans.reduce(0) { $0 + $1.removed.count }, channelsTotal: plans.reduce(0) { $0 + $1.channels },
            plans: plans, skipped: pruner.skipped, parametersBefore: parameters, parametersAfter: parameters + addedElements,
            calibrationSeconds: calibrationSeconds, totalSeconds: 0, summary: "")
        report.addHeads(headPlans, blocks: headPruner?.blocks ?? [], skipped: headPruner?.skipped ?? [], options: options)
        return report
    }

    /// Every stored tensor in its order (the model's pruned parameter of that name, in the stored
    /// dtype), each added bias right after its weight.
    private func tensors(of model: any TransformerModel, adding added: [(name: String, tensor: Tensor)]) throws -> [(String, Tensor)] {
        var parameters: [String: Tensor] = [:]
        for (name, parameter) in model.namedParameters() { parameters[name] = parameter.tensor }
        var addedAfter: [String: (String, Tensor)] = [:]
        for (name, tensor) in added { addedAfter[String(name.dropLast("bias".count)) + "weight"] = (name, tensor) }
        var result: [(String, Tensor)] = []
        for file in checkpoint.files {
            for entry in file.entries {
                let stored = try file.tensor(named: entry.name)
                let tensor = parameters[entry.name] ?? stored
                result.append((entry.name, tensor.dtype == stored.dtype ? tensor : try tensor.to(stored.dtype)))
                if let (name, bias) = addedAfter[entry.name] {
                    result.append((name, bias.dtype == stored.dtype ? bias : try bias.to(stored.dtype)))
                }
            }
        }
        return result
    }

    /// The source config, with each of `switches` (`mlp_bias`, `attention_bias`) set true.
    private func config(setting switches: [String]) throws -> String {
        guard case var .object(entries) = try JSONDecoder().decode(JSONValue.self, from: checkpoint.config.data) else {
            throw PruneError.unsupportedModule(path: checkpoint.config.url.path, detail: "the config is not a JSON object")
        }
        for key in switches {
            if let index = entries.firstIndex(where: { $0.key == key }) { entries[index].value = .bool(true) } else {
                entries.insert((key, .bool(true)), at: entries.firstIndex { $0.key > key } ?? entries.endIndex)
            }
        }
        return JSONValue.object(entries).rendered(indent: 2, compactNumberArrays: true)
    }
}
