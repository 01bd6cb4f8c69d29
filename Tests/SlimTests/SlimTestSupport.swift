import Formats
import Foundation
import Models
import Slim
import Tensor
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
}
