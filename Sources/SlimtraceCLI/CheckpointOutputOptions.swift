import ArgumentParser
import Formats
import Foundation

/// `-o/--output DIR` and `--force`, for the commands that write a checkpoint folder.
public struct CheckpointOutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("The folder to write the new checkpoint to.", valueName: "dir"))
    public var output: String

    @Flag(name: .long, help: "Replace the output folder if it exists and is not empty (never a folder holding an input).")
    public var force = false

    public init() {}

    public func validate() throws {
        guard !output.isEmpty else { throw ValidationError("--output needs a folder name") }
    }

    /// The output folder, claimed: never one of `inputs` (nil entries are options not given) or a
    /// folder holding one; an existing non-empty folder only with `--force`.
    func claim(reading inputs: [String?]) throws -> OutputPath {
        try OutputPath(output, kind: .folder(replacing: force), inputs: inputs.compactMap { $0 }.map(URL.init(fileURLWithPath:)))
    }
}
