import ArgumentParser

/// `-o/--output FILE`, shared by the commands whose result is text: standard output unless a file
/// is named. The file is claimed when the command starts (`OutputDestination`), so it is never one
/// of the command's inputs.
public struct OutputFileOption: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Write to this file instead of standard output (an existing file is replaced; an input never is).",
        valueName: "file"))
    public var output: String?

    public init() {}

    public func validate() throws {
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
    }

    /// The claimed destination, which must not be or hold any of `inputs` (paths the command
    /// reads; nil entries are options not given).
    func destination(reading inputs: [String?]) throws -> OutputDestination {
        try OutputDestination(output, inputs: inputs)
    }
}
