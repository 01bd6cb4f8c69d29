import ArgumentParser

/// `--format`, shared by the commands that print a report or a graph.
public struct FormatOption<Format: OutputFormat>: ParsableArguments {
    @Option(name: .long, help: Format.help)
    public var format: Format = Format.defaultFormat

    public init() {}
}
