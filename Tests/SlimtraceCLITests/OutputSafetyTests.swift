import Formats
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Models
import Testing
import TestFixtures

/// No command writes onto, into or above one of its inputs, however the output is spelled
/// (relative, `..`, trailing slash, symlink, hard link); refused writes change no file, and
/// concurrent writers of one output leave one whole result.
@Suite struct OutputSafetyTests {
    /// Every file under `folder` (symlinks not followed) with its bytes, by path relative to it.
    private func snapshot(_ folder: URL) throws -> [String: Data] {
        let manager = FileManager.default
        var files: [String: Data] = [:]
        for name in try manager.subpathsOfDirectory(atPath: folder.path) {
            let path = folder.appendingPathComponent(name).path
            let attributes = try manager.attributesOfItem(atPath: path)
            switch attributes[.type] as? FileAttributeType {
            case .typeRegular?: files[name] = try Data(contentsOf: URL(fileURLWithPath: path))
            case .typeSymbolicLink?: files[name] = Data(try manager.destinationOfSymbolicLink(atPath: path).utf8)
            default: files[name] = Data()
            }
        }
        return files
    }

    /// `url` as a path relative to the current directory (through `..` up to `/`).
    private func relative(_ url: URL) -> String {
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        return String(repeating: "../", count: depth) + url.path.dropFirst()
    }

    /// Asserts that `arguments` exit 1 with one error line containing every fragment.
    private func expectRefused(_ arguments: [String], naming fragments: [String]) {
        let result = execute(arguments)
        #expect(result.status == 1, "\(arguments) must be refused")
        #expect(result.errors.count == 1, "\(result.errors)")
        for fragment in fragments {
            #expect(result.errors.first?.contains(fragment) == true, "\(result.errors) should name \(fragment)")
        }
    }

    @Test func slimOntoAFolderAboveTheModelIsRefusedWithForceAndNoFileChanges() throws {
        let scratch = try ScratchFolder()
        let model = try scratch.checkpoint("parent/sub/model", from: "bert-pruned")
        try scratch.write("mine", to: "parent/unrelated.txt")
        try FileManager.default.createSymbolicLink(at: scratch.file("link"), withDestinationURL: scratch.file("parent"))
        let before = try snapshot(scratch.url)
        let spellings = [scratch.file("parent").path, scratch.file("parent").path + "/", model.path + "/../..",
                         relative(scratch.file("parent")), scratch.file("link").path, scratch.file("link/sub").path,
                         model.path + "/.", model.path + "//", scratch.url.path]
        for output in spellings {
            expectRefused(["slim", model.path, "--output", output, "--force"], naming: [output, "input"])
        }
        #expect(try snapshot(scratch.url) == before)
    }

    @Test(arguments: ["trace", "search", "config", "run", "bench"], ["model.safetensors", "config.json"])
    func anOutputOntoAFileOfTheModelIsRefusedAndTheFileKeepsItsBytes(command: String, name: String) throws {
        let scratch = try ScratchFolder("\(command)\(name)")
        let model = try scratch.checkpoint("model")
        let inputs = try scratch.write("{\"input_ids\": [[101, 102]]}\n", to: "in.jsonl")
        let before = try snapshot(scratch.url)
        let target = model.appendingPathComponent(name).path
        let extra = command == "run" ? ["--inputs", inputs.path] : []
        // run checks the extension first: config.json is refused as not *.safetensors.
        let reason = command == "run" && name == "config.json" ? "safetensors" : "is the input"
        expectRefused([command, model.path, "-o", target] + extra, naming: [target, reason])
        #expect(try snapshot(scratch.url) == before)
    }

    @Test func everySpellingOfAnInputFileIsRefused() throws {
        let scratch = try ScratchFolder()
        let model = try scratch.checkpoint("model")
        let weights = model.appendingPathComponent("model.safetensors")
        let inputs = try scratch.write("{\"input_ids\": [[101, 102]]}\n", to: "in.jsonl")
        try FileManager.default.createSymbolicLink(at: scratch.file("weights-link.safetensors"), withDestinationURL: weights)
        try FileManager.default.linkItem(at: weights, to: scratch.file("weights-hardlink.safetensors"))
        try FileManager.default.createSymbolicLink(at: scratch.file("model-link"), withDestinationURL: model)
        let before = try snapshot(scratch.url)
        let spellings = [relative(weights), model.path + "/../model/model.safetensors", model.path + "//model.safetensors",
                         scratch.file("weights-link.safetensors").path, scratch.file("weights-hardlink.safetensors").path,
                         scratch.file("model-link/model.safetensors").path, model.path + "/./model.safetensors"]
        for output in spellings {
            expectRefused(["trace", model.path, "-o", output], naming: [output, "is the input"])
            expectRefused(["run", model.path, "--inputs", inputs.path, "-o", output], naming: [output, "is the input"])
        }
        expectRefused(["trace", model.path, "--inputs", inputs.path, "-o", inputs.path], naming: ["in.jsonl", "is the input"])
        expectRefused(["trace", model.path, "-o", scratch.file("model-link").path + "/"], naming: ["is the input"])
        #expect(try snapshot(scratch.url) == before)
    }

    @Test func weightsSymlinkedFromAnotherFolderAreProtectedThereToo() throws {
        let scratch = try ScratchFolder()
        let model = try scratch.checkpoint("snapshot", from: "bert-pruned")
        let blob = scratch.file("blobs/0123abcd")
        try FileManager.default.createDirectory(at: blob.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: model.appendingPathComponent("model.safetensors"), to: blob)
        try FileManager.default.createSymbolicLink(at: model.appendingPathComponent("model.safetensors"), withDestinationURL: blob)
        let before = try snapshot(scratch.url)
        expectRefused(["trace", model.path, "-o", blob.path], naming: ["0123abcd", "is the input"])
        expectRefused(["slim", model.path, "-o", scratch.file("blobs").path, "--force"], naming: ["blobs", "holds the input"])
        #expect(try snapshot(scratch.url) == before)
    }

    @Test func benchRefusesToWriteOntoTheCheckpointItCompares() throws {
        let scratch = try ScratchFolder()
        let model = try scratch.checkpoint("model")
        let other = try scratch.checkpoint("other")
        let before = try snapshot(scratch.url)
        let target = other.appendingPathComponent("config.json").path
        expectRefused(["bench", model.path, "--compare", other.path, "-o", target], naming: [target, "is the input"])
        #expect(try snapshot(scratch.url) == before)
    }

    @Test func aPipeIsRefusedRatherThanReplacedByARename() throws {
        let scratch = try ScratchFolder()
        let pipe = scratch.file("pipe")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        expectRefused(["trace", fixturePath(), "-o", pipe.path], naming: [pipe.path, "not a regular file"])
        #expect(try FileManager.default.attributesOfItem(atPath: pipe.path)[.type] as? FileAttributeType != .typeRegular, "the pipe is still there")
    }

    @Test func aNewFileInsideTheModelFolderIsWrittenAndLeavesNoTemporaryFile() throws {
        let scratch = try ScratchFolder()
        let model = try scratch.checkpoint("model")
        let before = try snapshot(model)
        let result = execute(["trace", model.path, "-o", model.appendingPathComponent("graph.ir").path])
        #expect(result.status == 0, "\(result.errors)")
        let after = try snapshot(model)
        let graph = try #require(after["graph.ir"])
        #expect(String(decoding: graph, as: UTF8.self).hasPrefix("%0 : Long(1, 16)"))
        #expect(after.filter { $0.key != "graph.ir" } == before)
    }

    @Test func aSecondClaimOfTheSameOutputIsBusyUntilTheFirstIsReleased() throws {
        let scratch = try ScratchFolder()
        let output = scratch.file("out.txt")
        do {
            let first = try OutputPath(output.path, kind: .file, inputs: [])
            _ = withExtendedLifetime(first) {
                #expect(throws: OutputPath.Failure.busy(output: output.path)) { _ = try OutputPath(output.path, kind: .file, inputs: []) }
            }
        }
        let second = try OutputPath(output.path, kind: .file, inputs: [])
        try second.write { try Data("done".utf8).write(to: $0) }
        #expect(try String(contentsOf: output, encoding: .utf8) == "done")
    }

    @Test func aFailedWriteLeavesTheOldOutputAndNoTemporaryFile() throws {
        struct Interrupted: Error {}
        let scratch = try ScratchFolder()
        try scratch.write("old", to: "out/kept.txt")
        let before = try snapshot(scratch.url)
        do {
            let claim = try OutputPath(scratch.file("out").path, kind: .folder(replacing: true), inputs: [])
            #expect(throws: Interrupted.self) {
                try claim.write { staging in
                    try Data("half".utf8).write(to: staging.appendingPathComponent("config.json"))
                    throw Interrupted()
                }
            }
        }
        #expect(try snapshot(scratch.url) == before)
    }

    @Test(.enabled(if: SlimtraceBinary.url != nil, "the slimtrace executable is not built"))
    func concurrentSlimsIntoOneFolderLeaveOneWholeCheckpointAndTheOthersSayItIsBusy() throws {
        let binary = try #require(SlimtraceBinary.url)
        let scratch = try ScratchFolder()
        let destination = scratch.file("slim")
        for round in 0..<3 {
            let runs = try (0..<4).map { index -> (Process, URL) in
                let log = scratch.file("log-\(round)-\(index)")
                _ = FileManager.default.createFile(atPath: log.path, contents: nil)
                let process = Process()
                process.executableURL = binary
                process.arguments = ["slim", fixturePath("bert-pruned"), "--output", destination.path, "--force", "--format", "json"]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = try FileHandle(forWritingTo: log)
                process.standardInput = FileHandle.nullDevice
                return (process, log)
            }
            for (process, _) in runs { try process.run() }
            var successes = 0
            for (process, log) in runs {
                process.waitUntilExit()
                let stderr = try String(contentsOf: log, encoding: .utf8)
                try FileManager.default.removeItem(at: log)
                if process.terminationStatus == 0 {
                    successes += 1
                } else {
                    #expect(process.terminationStatus == 1 && stderr.contains("another slimtrace is writing this output"), "\(stderr)")
                    #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
                }
            }
            #expect(successes >= 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["slim"], "round \(round): no temporary or lock file left")
            #expect(try Set(FileManager.default.contentsOfDirectory(atPath: destination.path)) == ["config.json", "model.safetensors"])
            #expect(try Checkpoint(directory: destination).loadModel().typeName == "BertForSequenceClassification")
        }
    }
}
