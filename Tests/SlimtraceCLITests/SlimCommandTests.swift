import Formats
import Foundation
import Models
import SlimtraceCLI
import Testing
import TestFixtures

/// `slimtrace slim`: writes a verified smaller checkpoint, never overwrites without --force.
@Suite struct SlimCommandTests {
    @Test func slimWritesACheckpointWithINCsShapesThatLoadsAndRuns() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("slim")
        #expect(execute(["slim", fixturePath("bert-pruned"), "--output", output.path, "--format", "json"]).status == 0)
        let slimmed = try Checkpoint(directory: output)
        let expected = try #require((try Fixtures.json("inc_slim_expected.json", of: "bert-pruned") as? [String: Any])?["shapes_after"] as? [String: [Int]])
        for (name, shape) in expected {
            #expect(try slimmed.tensor(named: name).shape == shape, "\(name)")
        }
        let (inputs, logits) = try referenceIO("bert-pruned")
        let output0 = try slimmed.loadModel().forward(ModelInputs(inputs.map { ($0.0, $0.1) }))
        let difference = zip(try output0.floats(), try logits.floats()).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-5)
    }

    @Test func anExistingFolderIsReplacedOnlyWithForce() throws {
        let scratch = try ScratchFolder()
        let output = try scratch.write("keep me", to: "slim/notes.txt").deletingLastPathComponent()
        let refused = execute(["slim", fixturePath("bert-pruned"), "--output", output.path])
        #expect(refused.status == 1)
        #expect(refused.errors.count == 1 && refused.errors[0].contains("--force"))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("notes.txt").path))
        #expect(execute(["slim", fixturePath("bert-pruned"), "--output", output.path, "--force", "--only", "ffn"]).status == 0)
        let heads = try Checkpoint(directory: output).tensor(named: "bert.encoder.layer.0.attention.self.query.weight").shape
        #expect(heads == [64, 64], "--only ffn leaves the heads")
    }

    @Test func uniformWritesTheSizesIntoTheFamilysOwnConfigKeys() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("uniform")
        #expect(execute(["slim", fixturePath("opt-pruned"), "--output", output.path, "--uniform"]).status == 0)
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("config.json"))) as? [String: Any])
        #expect(config["ffn_dim"] as? Int == 64)
        #expect(config["num_attention_heads"] as? Int == 4, "OPT's head size is hidden_size / num_attention_heads: its heads stay")
        #expect(try Checkpoint(directory: output).tensor(named: "model.decoder.layers.1.fc1.weight").shape == [64, 64])
    }

    @Test(arguments: [(["--round", "0"], "--round"), (["--tolerance", "-1"], "--tolerance"), (["--only", "all"], "--only")])
    func badSlimArgumentsAreOneErrorLine(_ extra: [String], _ fragment: String) throws {
        let scratch = try ScratchFolder()
        let result = execute(["slim", fixturePath("bert-pruned"), "--output", scratch.file("out").path] + extra)
        #expect(result.status == 1)
        #expect(result.errors.count == 1 && result.errors[0].contains(fragment), "\(result.errors)")
    }
}
