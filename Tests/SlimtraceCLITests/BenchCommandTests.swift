import Foundation
import Models
import Profiler
import SlimtraceCLI
import Testing
import TestFixtures

/// `slimtrace bench`: the profile of a real forward as a table or JSON, side by side with a second
/// checkpoint under --compare. No timing is asserted (machines are noisy), only what is counted.
@Suite struct BenchCommandTests {
    /// Runs `bench` with `arguments` writing JSON to a file and decodes it as `T`.
    private func benchJSON<T: Decodable>(_ type: T.Type, _ arguments: [String]) throws -> T {
        let scratch = try ScratchFolder()
        let output = scratch.file("bench.json")
        let result = execute(["bench"] + arguments + ["--format", "json", "--output", output.path])
        #expect(result.status == 0, "\(result.errors)")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: output))
    }

    @Test func benchJSONProfilesEveryLinearOfBertOncePerForward() throws {
        let report = try benchJSON(ProfileReport.self, [fixturePath(), "--repeat", "2", "--warmup", "0"])
        #expect(report.model == "BertForSequenceClassification")
        #expect(report.forwards == 2 && report.warmup == 0 && report.grouping == .module)
        #expect(report.inputs == ["input_ids 1x16 i64"])
        #expect(report.checkpoint == fixturePath())
        let linears = report.rows.filter { $0.typeName == "Linear" }
        #expect(linears.count == 14 && linears.allSatisfy { $0.calls == 1 && $0.flops > 0 })
        #expect(abs(report.rows.reduce(0) { $0 + $1.share } + report.betweenOps.share - 1) < 1e-9)
        #expect(report.parameters > 0 && report.flops > 0)
    }

    @Test func benchByOpCountsTheOpsOfOneForward() throws {
        let report = try benchJSON(ProfileReport.self, [fixturePath(), "--by", "op", "--shape", "2,8", "--repeat", "2", "--warmup", "1"])
        #expect(report.grouping == .op && report.warmup == 1)
        #expect(report.row("linear")?.calls == 14)
        #expect(report.row("softmax")?.calls == 2)
        // 2 layers × 2 attention matmuls on [2, 4, 8, 16] × [2, 4, 16, 8] (and back).
        #expect(report.row("matmul")?.flops == Double(2 * 2 * (2 * 2 * 4 * 8 * 16 * 8)))
    }

    @Test func benchCompareMatchesTheSlimmedModulesOfBertPrunedSideBySide() throws {
        let scratch = try ScratchFolder()
        let slimmed = scratch.file("slim")
        #expect(execute(["slim", fixturePath("bert-pruned"), "--output", slimmed.path, "--format", "json"]).status == 0)
        let comparison = try benchJSON(ProfileComparison.self, [
            fixturePath("bert-pruned"), "--compare", slimmed.path, "--repeat", "2", "--warmup", "0", "--shape", "1,32",
        ])
        #expect(comparison.before.checkpoint == fixturePath("bert-pruned") && comparison.after.checkpoint == slimmed.path)
        #expect(comparison.before.inputs == ["input_ids 1x32 i64"] && comparison.after.inputs == comparison.before.inputs)
        // Same modules on both sides; the slimmed one has fewer parameters and FLOPs.
        #expect(comparison.rows.allSatisfy { $0.before != nil && $0.after != nil })
        #expect(comparison.after.parameters < comparison.before.parameters)
        #expect(try #require(comparison.parameterRatio) < 1)
        #expect(try #require(comparison.flopRatio) < 1)
        #expect(comparison.timeRatio != nil && comparison.speedup != nil)
        let dense = try #require(comparison.row("bert.encoder.layer.0.intermediate.dense"))
        #expect(try #require(dense.after?.parameters) < #require(dense.before?.parameters))
        #expect(try #require(dense.after?.flops) < #require(dense.before?.flops))
    }

    @Test func benchCompareOfTwoCheckpointsAsATable() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("bench.txt")
        let result = execute(["bench", fixturePath("bert"), "--compare", fixturePath("bert-pruned"), "--by", "type",
                              "--repeat", "1", "--warmup", "0", "--output", output.path])
        #expect(result.status == 0, "\(result.errors)")
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.contains("module class") && text.contains("ms before") && text.contains("speedup"))
        #expect(text.contains("BertSelfAttention") && text.contains("total (forward)"))
    }

    @Test func benchTextTableHasAHeaderEveryModuleAndATotal() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("bench.txt")
        #expect(execute(["bench", fixturePath(), "--repeat", "1", "--warmup", "0", "-o", output.path]).status == 0)
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.contains("module") && text.contains("GFLOP/s") && text.contains("share"))
        #expect(text.contains("bert.encoder.layer.1.output.dense") && text.contains("total (forward)"))
        #expect(text.hasSuffix("\n"))
    }

    @Test(arguments: [
        (["--repeat", "0"], "--repeat must be at least 1, got 0"),
        (["--warmup", "-1"], "--warmup must be at least 0, got -1"),
        (["--by", "layer"], "--by"),
        (["--format", "xml"], "--format"),
        (["--compare", "/no/such/checkpoint"], "/no/such/checkpoint"),
        (["--output", "/no/such/folder/bench.json"], "/no/such/folder"),
    ])
    func badBenchArgumentsAreOneErrorLineAndStatus1(_ extra: [String], _ fragment: String) {
        let result = execute(["bench", fixturePath()] + extra)
        #expect(result.status == 1)
        #expect(result.errors.count == 1, "\(result.errors)")
        let line = result.errors.first ?? ""
        #expect(line.hasPrefix("error: ") && !line.contains("\n") && line.contains(fragment), "\(line)")
    }

    @Test(.enabled(if: SlimtraceBinary.url != nil, "the slimtrace executable is not built"))
    func withStandardErrorNotATerminalNoProgressBarIsWrittenAndTheJSONAloneGoesToStandardOutput() throws {
        let result = try SlimtraceBinary.run(["bench", fixturePath(), "--format", "json", "--repeat", "2", "--warmup", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(ProfileReport.self, from: Data(result.stdout.utf8))
        #expect(report.forwards == 2)
        #expect(result.stderr.isEmpty && !result.stdout.contains("\r"), "\(result.stderr.debugDescription)")
    }
}
