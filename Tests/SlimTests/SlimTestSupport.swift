import Formats
import Foundation
import Models
import NN
import Searchers
import Slim
import Tensor
import Testing
import TestFixtures

/// Helpers for the slim tests: temporary folders, fixture inputs, pruned copies of fixtures.
enum SlimTestSupport {
    /// A fresh temporary folder path (not created); removed by the caller's `defer`.
    static func temporaryFolder(_ label: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-\(label)-\(UUID().uuidString)")
    }

    /// The inputs stored in a fixture's `reference_io.safetensors` (everything but `logits*`).
    static func referenceInputs(_ name: String) throws -> ModelInputs {
        let file = try SafetensorsFile(url: Fixtures.model(name).appendingPathComponent("reference_io.safetensors"))
        return ModelInputs(try file.names.filter { !$0.hasPrefix("logits") }.map { ($0, try file.tensor(named: $0)) })
    }

    /// PyTorch's `logits` for a fixture's reference input.
    static func referenceLogits(_ name: String) throws -> Tensor {
        try SafetensorsFile(url: Fixtures.model(name).appendingPathComponent("reference_io.safetensors")).tensor(named: "logits")
    }

    /// The largest |a - b| (infinity for different shapes).
    static func maxAbsDiff(_ a: Tensor, _ b: Tensor) throws -> Float {
        guard a.shape == b.shape else { return .infinity }
        return zip(try a.floats(), try b.floats()).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// Every tensor's shape in a checkpoint folder.
    static func shapes(_ folder: URL) throws -> [String: [Int]] {
        let checkpoint = try Checkpoint(directory: folder)
        return try Dictionary(uniqueKeysWithValues: checkpoint.tensorNames.map { ($0, try checkpoint.tensor(named: $0).shape) })
    }

    /// The `slimtrace` section of a written checkpoint's config.
    static func slimtraceSection(_ folder: URL) throws -> [String: Any]? {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json")))
        return (object as? [String: Any])?["slimtrace"] as? [String: Any]
    }

    /// Writes a copy of fixture `name` to a new folder after `edit` changed some of its tensors
    /// (given and returned by name, as f32 values): a pruned model built in the test.
    static func prunedCopy(of name: String, edit: (inout [String: (values: [Float], shape: [Int])]) throws -> Void) throws -> URL {
        let source = try Checkpoint(directory: Fixtures.model(name))
        var tensors: [String: (values: [Float], shape: [Int])] = [:]
        let names = source.files.flatMap { $0.entries.map(\.name) }
        for tensorName in names {
            let tensor = try source.tensor(named: tensorName)
            tensors[tensorName] = (try tensor.floats(), tensor.shape)
        }
        try edit(&tensors)
        let folder = temporaryFolder("pruned-\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try source.config.data.write(to: folder.appendingPathComponent("config.json"))
        try SafetensorsWriter.write(try names.map { ($0, try Tensor(tensors[$0]!.values, shape: tensors[$0]!.shape)) },
                                    to: folder.appendingPathComponent("model.safetensors"))
        return folder
    }

    /// Zeroes rows `rows` of a row-major `[rows, columns]` tensor.
    static func zeroRows(_ tensor: inout (values: [Float], shape: [Int]), _ rows: [Int]) {
        let columns = tensor.shape[1]
        for row in rows { for column in 0..<columns { tensor.values[row * columns + column] = 0 } }
    }

    /// Zeroes columns `columns` of a row-major `[rows, columns]` tensor.
    static func zeroColumns(_ tensor: inout (values: [Float], shape: [Int]), _ columns: [Int]) {
        let width = tensor.shape[1]
        for row in 0..<tensor.shape[0] { for column in columns { tensor.values[row * width + column] = 0 } }
    }

    /// The channels of heads `heads` of `size` channels each, starting at `offset`.
    static func headChannels(_ heads: [Int], size: Int, offset: Int = 0) -> [Int] {
        heads.flatMap { (offset + $0 * size)..<(offset + ($0 + 1) * size) }
    }

    /// Zeroes channels `indices` on the input (`input: true`) or output side of the linear at `path`.
    static func zero(_ model: Module, _ path: String, input: Bool, _ indices: [Int]) throws {
        let module = try ModulePaths.attribute(of: model, path: path)
        let (weight, outputAxis): (Parameter, Int) = switch module {
        case let linear as Linear: (linear.weight, 0)
        case let conv as Conv1D: (conv.weight, 1)
        default: throw SlimError.unsupportedModule(path: path, detail: "not a linear")
        }
        let axis = input ? 1 - outputAxis : outputAxis
        let shape = weight.shape
        var values = try weight.tensor.floats()
        let chosen = Set(indices)
        for row in 0..<shape[0] {
            for column in 0..<shape[1] where chosen.contains(axis == 0 ? row : column) { values[row * shape[1] + column] = 0 }
        }
        weight.tensor = try Tensor(values, shape: shape)
    }

    /// Prunes a loaded model in place: the safe feed-forward pair number `i` loses the input
    /// channels `channels(i, width)` of its root, attention block number `i` the key/value groups
    /// `groups(i, key/value heads)` (their query heads too). Returns how many findings were pruned
    /// and the attention blocks.
    @discardableResult
    static func prune(_ model: any TransformerModel, channels: (Int, Int) -> [Int],
                      groups: (Int, Int) -> [Int]) throws -> (pruned: Int, blocks: [AttentionFinding]) {
        let trace = try TraceSearcher(model: model, graph: model.trace(PlaceholderInputs.make(for: model, shape: nil, dtype: nil)))
        var pruned = 0
        for (index, finding) in Linear2LinearSearcher(trace: trace).search().filter(\.safe).enumerated() {
            let root = try ModulePaths.attribute(of: model, path: finding.rootLinear)
            let inFeatures = (root as? Linear)?.inFeatures ?? (root as? Conv1D)!.inFeatures
            try zero(model, finding.rootLinear, input: true, channels(index, inFeatures))
            pruned += 1
        }
        let blocks = SelfMHASearcher(trace: trace).search()
        for (index, block) in blocks.enumerated() {
            let (heads, kv, size) = (try #require(block.numHeads), try #require(block.numKVHeads), try #require(block.headSize))
            let group = heads / kv
            let zeroGroups = groups(index, kv)
            let queryHeads = zeroGroups.flatMap { ($0 * group)..<(($0 + 1) * group) }
            let queryChannels = headChannels(queryHeads, size: size)
            let kvChannels = headChannels(zeroGroups, size: size)
            if block.fusedQKV {
                let layout = try #require(block.qkvLayout).channels(heads: heads, keyValueHeads: kv, headSize: size)
                try zero(model, block.qkv[0], input: false, queryHeads.flatMap { layout.query[$0] }
                    + zeroGroups.flatMap { Array(layout.key[$0]) + Array(layout.value[$0]) })
            } else {
                try zero(model, block.qkv[0], input: false, queryChannels)
                try zero(model, block.qkv[1], input: false, kvChannels)
                try zero(model, block.qkv[2], input: false, kvChannels)
            }
            try zero(model, block.ffn[0], input: true, queryChannels)
            pruned += 1
        }
        return (pruned, blocks)
    }

    /// Writes `model`'s parameters as a checkpoint with `source`'s config and tensor names (a
    /// tensor the model has no parameter for is copied) into a new temporary folder.
    static func writeCheckpoint(_ model: Module, like source: Checkpoint, label: String) throws -> URL {
        let folder = temporaryFolder(label)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try source.config.data.write(to: folder.appendingPathComponent("config.json"))
        let parameters = Dictionary(model.namedParameters().map { ($0.name, $0.parameter) }, uniquingKeysWith: { first, _ in first })
        let names = source.files.flatMap { $0.entries.map(\.name) }
        try SafetensorsWriter.write(try names.map { ($0, try parameters[$0]?.tensor ?? source.tensor(named: $0)) },
                                    to: folder.appendingPathComponent("model.safetensors"))
        return folder
    }

    /// Removes the `slimtrace` section from a written checkpoint's config, so that it loads as
    /// any Hugging Face checkpoint does: every size from the config, checked against the tensors.
    static func removeSlimtraceSection(_ folder: URL) throws {
        let url = folder.appendingPathComponent("config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        config["slimtrace"] = nil
        try JSONSerialization.data(withJSONObject: config).write(to: url)
    }
}
