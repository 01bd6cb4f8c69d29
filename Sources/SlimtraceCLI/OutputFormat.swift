import ArgumentParser

/// The values of a command's `--format` option: its cases, the one used when the option is not
/// given, and the option's help.
public protocol OutputFormat: ExpressibleByArgument, CaseIterable, Sendable {
    /// The format without `--format`.
    static var defaultFormat: Self { get }
    /// The `--format` help line.
    static var help: ArgumentHelp { get }
}
