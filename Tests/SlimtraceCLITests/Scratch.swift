import Formats
import Foundation
import Models
import SlimtraceCLI
import Tensor
import TestFixtures

/// A temporary folder for one test, removed when the test drops it.
final class ScratchFolder {
    let url: URL

    init(_ label: String = #function) throws {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-cli-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// `name` inside the folder.
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` to `name` and returns its URL.
    @discardableResult
    func write(_ text: String, to name: String) throws -> URL {
        let target = file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target)
        return target
    }

    /// A copy of the fixture checkpoint `fixture` in the subfolder `name`, its config.json edited
    /// by `editConfig` and its tensors by `editTensors` (both identity by default).
    func checkpoint(_ name: String, from fixture: String = "bert",
                    editConfig: (inout [String: Any]) -> Void = { _ in },
                    editTensors: ((inout [(String, Tensor)]) throws -> Void)? = nil) throws -> URL {
        let source = Fixtures.model(fixture)
        let folder = file(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("config.json"))) as! [String: Any]
        editConfig(&config)
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
            .write(to: folder.appendingPathComponent("config.json"))
        let weights = folder.appendingPathComponent("model.safetensors")
        if let editTensors {
            let file = try SafetensorsFile(url: source.appendingPathComponent("model.safetensors"))
            var tensors = try file.names.map { ($0, try file.tensor(named: $0)) }
            try editTensors(&tensors)
            try SafetensorsWriter.write(tensors, to: weights)
        } else {
            try FileManager.default.copyItem(at: source.appendingPathComponent("model.safetensors"), to: weights)
        }
        return folder
    }
}

/// Runs `slimtrace` in-process: the exit status and the lines it reported as errors (help text
/// is dropped).
func execute(_ arguments: [String]) -> (status: Int32, errors: [String]) {
    var errors: [String] = []
    let status = Slimtrace.execute(arguments, writeHelp: { _ in }, reportError: { errors.append($0) })
    return (status, errors)
}

/// The fixture checkpoint folder `name` as a path argument.
func fixturePath(_ name: String = "bert") -> String { Fixtures.model(name).path }

/// The inputs `reference_io.safetensors` of a fixture holds (everything but `logits*`) and
/// PyTorch's logits for them.
func referenceIO(_ name: String = "bert") throws -> (inputs: [(String, Tensor)], logits: Tensor) {
    let file = try SafetensorsFile(url: Fixtures.model(name).appendingPathComponent("reference_io.safetensors"))
    let inputs = try file.names.filter { !$0.hasPrefix("logits") }.map { ($0, try file.tensor(named: $0)) }
    return (inputs, try file.tensor(named: "logits"))
}

/// The largest absolute difference between two f32 tensors of the same shape (infinity otherwise).
func maxAbsDiff(_ a: Tensor, _ b: Tensor) throws -> Float {
    guard a.shape == b.shape else { return .infinity }
    return zip(try a.floats(), try b.floats()).map { abs($0 - $1) }.max() ?? 0
}
