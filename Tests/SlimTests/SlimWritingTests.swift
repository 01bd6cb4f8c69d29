import Formats
import Foundation
import Models
import Slim
import SlimtraceCLI
import Tensor
import Testing
import TestFixtures

/// Writing a slimmed checkpoint: all or nothing, never over an existing folder unless forced,
/// and a report that reads as JSON and as a table.
@Suite struct SlimWritingTests {
    @Test func anExistingNonEmptyOutputIsLeftAloneUnlessForced() throws {
        let output = SlimTestSupport.temporaryFolder("existing")
        defer { try? FileManager.default.removeItem(at: output) }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let keep = output.appendingPathComponent("keep.txt")
        try Data("mine".utf8).write(to: keep)

        #expect { try CheckpointSlimmer(directory: Fixtures.model("bert-pruned")).slim(to: output) } throws: { error in
            guard case .notEmpty = error as? OutputPath.Failure else { return false }
            return error.localizedDescription.contains(output.path)
        }
        #expect(try String(contentsOf: keep, encoding: .utf8) == "mine")

        let forced = try CheckpointSlimmer(directory: Fixtures.model("bert-pruned")).slim(to: output, force: true)
        #expect(!forced.nothingToSlim)
        #expect(!FileManager.default.fileExists(atPath: keep.path))
        #expect(try Checkpoint(directory: output).loadModel().typeName == "BertForSequenceClassification")
    }

    @Test func anEmptyOutputFolderIsWrittenInto() throws {
        let output = SlimTestSupport.temporaryFolder("empty")
        defer { try? FileManager.default.removeItem(at: output) }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try CheckpointSlimmer(directory: Fixtures.model("opt-pruned")).slim(to: output)
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("model.safetensors").path))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("generation_config.json").path))
    }

    @Test func theSourceFolderIsNeverTheOutput() throws {
        #expect { try CheckpointSlimmer(directory: Fixtures.model("bert-pruned")).slim(to: Fixtures.model("bert-pruned"), force: true) } throws: { error in
            guard case .isInput = error as? OutputPath.Failure else { return false }
            return true
        }
    }

    @Test func aFailedSlimWritesNothingAndLeavesTheModelAsItWas() throws {
        let output = SlimTestSupport.temporaryFolder("failed")
        defer { try? FileManager.default.removeItem(at: output) }
        #expect(throws: SlimError.self) {
            try CheckpointSlimmer(directory: Fixtures.model("bert-pruned"), options: SlimOptions(round: 0)).slim(to: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))

        // A verification input the model rejects fails after the search: nothing written, weights restored.
        let model = try Checkpoint(directory: Fixtures.model("bert-pruned")).loadModel()
        let before = model.namedParameters().map(\.parameter.shape)
        let wrong = ModelInputs([("pixel_values", Tensor.zeros(shape: [1, 3, 8, 8]))])
        #expect(throws: (any Error).self) { try ModelSlimmer(options: SlimOptions(inputs: wrong)).slim(model) }
        #expect(model.namedParameters().map(\.parameter.shape) == before)

        // A verification that cannot pass (a negative tolerance) fails after slimming: the error
        // reports the difference, nothing is written and the model's weights are put back.
        let impossible = SlimOptions(tolerance: -1)
        #expect { try CheckpointSlimmer(directory: Fixtures.model("opt-pruned"), options: impossible).slim(to: output) } throws: { error in
            guard case let SlimError.verificationFailed(difference, tolerance, _) = error else { return false }
            return difference >= 0 && tolerance == -1
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let opt = try Checkpoint(directory: Fixtures.model("opt-pruned")).loadModel()
        let optShapes = opt.namedParameters().map(\.parameter.shape)
        #expect(throws: SlimError.self) { try ModelSlimmer(options: impossible).slim(opt) }
        #expect(opt.namedParameters().map(\.parameter.shape) == optShapes)
    }

    @Test func anF16CheckpointSlimsToAnF16Checkpoint() throws {
        let source = try Checkpoint(directory: Fixtures.model("bert-pruned"))
        let half = SlimTestSupport.temporaryFolder("f16")
        let output = SlimTestSupport.temporaryFolder("f16-slim")
        defer {
            try? FileManager.default.removeItem(at: half)
            try? FileManager.default.removeItem(at: output)
        }
        try FileManager.default.createDirectory(at: half, withIntermediateDirectories: true)
        try source.config.data.write(to: half.appendingPathComponent("config.json"))
        let names = source.files.flatMap { $0.entries.map(\.name) }
        try SafetensorsWriter.write(try names.map { ($0, try source.tensor(named: $0).to(.f16)) }, to: half.appendingPathComponent("model.safetensors"))

        let report = try CheckpointSlimmer(directory: half).slim(to: output)
        #expect(report.changes.count == 4)
        let slimmed = try Checkpoint(directory: output)
        for name in names {
            let tensor = try slimmed.tensor(named: name)
            #expect(tensor.dtype == .f16, "\(name)")
        }
        #expect(try slimmed.tensor(named: "bert.encoder.layer.0.intermediate.dense.weight").shape == [64, 64])
        let inputs = try SlimTestSupport.referenceInputs("bert-pruned")
        let difference = try SlimTestSupport.maxAbsDiff(try slimmed.loadModel().forward(inputs), try Checkpoint(directory: half).loadModel().forward(inputs))
        #expect(difference <= 1e-5)
    }

    @Test func slimmingASlimmedCheckpointKeepsTheEarlierRecord() throws {
        let first = SlimTestSupport.temporaryFolder("first")
        let second = SlimTestSupport.temporaryFolder("second")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        try CheckpointSlimmer(directory: Fixtures.model("bert-pruned")).slim(to: first)
        let report = try CheckpointSlimmer(directory: first).slim(to: second)
        #expect(report.nothingToSlim)
        let section = try #require(try SlimTestSupport.slimtraceSection(second))
        let previous = try #require(section["previous"] as? [String: Any])
        #expect(((previous["layers"] as? [String: Any])?["bert.encoder.layer.1"] as? [String: Any])?["removed_heads"] as? [Int] == [1, 3])
        // Lists of indices stay on one line.
        let text = try String(contentsOf: first.appendingPathComponent("config.json"), encoding: .utf8)
        #expect(text.contains("\"removed_heads\": [1, 3]"))
    }

    @Test func theReportRoundTripsAsJSONAndRendersABeforeAfterTable() throws {
        let report = try CheckpointSlimmer(directory: Fixtures.model("bert-pruned")).dryRun()
        let decoded = try JSONDecoder().decode(SlimReport.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
        #expect(report.output == nil)
        #expect(report.parametersRemoved == 2 * (64 * 64 + 64 * 64 + 64) + 2 * (3 * (32 * 64 + 32) + 64 * 32))
        // 16 tokens through each linear: 2 · 16 · removed weights.
        #expect(report.flopsSaved == 2 * 16 * (2 * (64 * 64 * 2) + 2 * (32 * 64 * 4)))

        let table = report.table()
        print(table)
        #expect(table.contains("bert.encoder.layer.0  channels     128     64"))
        #expect(table.contains("bert.encoder.layer.1  heads          4      2  1, 3"))
        #expect(table.contains("bert.encoder.layer.0.attention.output.dense.weight   [64, 64]  [64, 32]"))
        #expect(!report.table(showTensors: false).contains("[64, 32]"))
    }
}
