import Formats
import Foundation
import Models
import SlimtraceCLI
import Tensor
import TestFixtures
import Testing

/// The built `slimtrace` executable: next to this test bundle (the test target depends on the
/// executable, so `swift test` builds it there), else in the package's `.build/debug`. Nil when
/// neither exists; the end-to-end tests are then skipped.
enum SlimtraceBinary {
    static let url: URL? = {
        var folders: [URL] = []
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        let packageRoot = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        folders.append(packageRoot.appendingPathComponent(".build/debug"))
        return folders.map { $0.appendingPathComponent("slimtrace") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs the executable with `arguments` (and this process's environment, with `environment`'s
    /// variables set on top): exit status, standard output and standard error.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = try #require(url)
        let scratch = try ScratchFolder("binary")
        let outURL = scratch.file("stdout"), errURL = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return (process.terminationStatus,
                try String(contentsOf: outURL, encoding: .utf8),
                try String(contentsOf: errURL, encoding: .utf8))
    }
}

@Suite(.enabled(if: SlimtraceBinary.url != nil, "the slimtrace executable is not built"))
struct BinaryTests {
    @Test func helpPrintsTheSubcommandsToStandardOutputAndExits0() throws {
        let result = try SlimtraceBinary.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("trace") && result.stdout.contains("run") && result.stdout.contains("USAGE"))
        #expect(result.stderr.isEmpty)
    }

    @Test func versionPrintsTheVersionAloneAndExits0() throws {
        let result = try SlimtraceBinary.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Slimtrace.version + "\n" && result.stderr.isEmpty)
        #expect(!Slimtrace.version.isEmpty)
    }

    @Test func traceWritesIRToStandardOutputAndExits0() throws {
        let result = try SlimtraceBinary.run(["trace", fixturePath(), "--shape", "1,8"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("%0 : Long(1, 8) = input[name=\"input_ids\"]()"))
        #expect(result.stdout.hasSuffix(")\n") && result.stdout.contains("\nreturn (%"))
        #expect(result.stderr.isEmpty)
    }

    @Test func searchWarnsInOneStderrLineAboutTensorsTheModelDoesNotUse() throws {
        let scratch = try ScratchFolder()
        let source = try Checkpoint(directory: Fixtures.model("bert"))
        try FileManager.default.copyItem(at: Fixtures.model("bert").appendingPathComponent("config.json"), to: scratch.file("config.json"))
        let extra = ("bert.embeddings.distance_embedding.weight", try Tensor([Float](repeating: 1, count: 1023 * 16), shape: [1023, 16]))
        try SafetensorsWriter.write(try source.files[0].names.map { ($0, try source.tensor(named: $0)) } + [extra],
                                    to: scratch.file("model.safetensors"))
        let result = try SlimtraceBinary.run(["search", scratch.url.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "warning: 1 tensor in \(scratch.url.path) is not used by BertForSequenceClassification: bert.embeddings.distance_embedding.weight\n")
    }

    @Test func runOnTheCommittedExampleExits0AndSaysWhatItWrote() throws {
        let example = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/tiny-bert")
        let scratch = try ScratchFolder()
        let output = scratch.file("logits.safetensors")
        let result = try SlimtraceBinary.run(["run", example.path, "--inputs", example.appendingPathComponent("inputs.jsonl").path,
                                              "--output", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("logits") && result.stdout.contains("logits.1"))
        #expect(FileManager.default.fileExists(atPath: output.path))
    }

    /// Issue 11's acceptance: a kernel the user chose is never overridden. The test sets no kernel
    /// variable: it runs with the environment it was given, and where that chose OpenBLAS's kernel
    /// (as some machines do on purpose), bench must run that kernel and say it obeyed.
    @Test func benchNamesItsGEMMAndObeysAKernelTheEnvironmentChose() throws {
        let result = try SlimtraceBinary.run(["bench", fixturePath(), "--shape", "1,8", "--repeat", "1", "--warmup", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").last)
        #expect(line.hasPrefix("gemm: "), "\(line)")
        let environment = ProcessInfo.processInfo.environment
        if let core = environment[GEMMPolicy.coreTypeVariable], !core.isEmpty, (environment[GEMMPolicy.libraryVariable] ?? "").isEmpty {
            #expect(line.lowercased().hasPrefix("gemm: openblas \(core.lowercased()) (") && line.hasSuffix("set by the user: obeyed"), "\(line)")
        }
    }

    @Test func traceOfAConfigOnlyFolderExits0AndNotesItTracedShapesOnly() throws {
        let scratch = try ScratchFolder()
        let folder = try scratch.checkpoint("config-only")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
        let result = try SlimtraceBinary.run(["trace", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("%0 : Long(1, 16)"))
        #expect(result.stderr.hasPrefix("note: tracing shapes only") && result.stderr.contains("no weights"), "\(result.stderr)")
    }

    @Test(arguments: BadInput.allCases)
    func everyBadInputExits1WithOneErrorLineOnStandardError(_ case: BadInput) throws {
        let scratch = try ScratchFolder("\(`case`)")
        let result = try SlimtraceBinary.run(try `case`.arguments(in: scratch))
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "stderr must be one line: \(result.stderr)")
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("error: "), "\(line)")
        for fragment in `case`.expectedFragments(in: scratch) {
            #expect(line.contains(fragment), "\(line) should name \(fragment)")
        }
        #expect(result.stdout.isEmpty, "nothing on standard output: \(result.stdout)")
    }
}
