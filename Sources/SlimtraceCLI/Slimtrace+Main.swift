import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Slimtrace {
    /// Runs the command line and exits: status 0 on success (and for `--help`), 1 after one
    /// `error: ...` line on standard error for any argument error or failure (argument-parser's
    /// own usage errors included, which would otherwise exit with 64).
    /// The arguments of the command being run (without the program name), for a command that
    /// records its own command line (`report`).
    @TaskLocal static var arguments: [String] = []

    public static func main() {
        let status = execute(Array(CommandLine.arguments.dropFirst()))
        #if canImport(Glibc)
        Glibc.exit(status)
        #else
        Darwin.exit(status)
        #endif
    }

    /// Parses `arguments` (without the program name), runs the command and returns the exit
    /// status. Help and other requested output go to standard output; an error is reported as one
    /// line, `error: MESSAGE`, through `reportError` (standard error by default); help text goes
    /// through `writeHelp` (standard output by default).
    public static func execute(_ arguments: [String],
                               writeHelp: (String) -> Void = { print($0) },
                               reportError: (String) -> Void = Slimtrace.writeToStandardError) -> Int32 {
        if let topic = unknownHelpTopic(in: arguments) {
            reportError("error: \(topic)")
            return 1
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            if exitCode(for: error) == .success {
                // --help, help SUBCOMMAND, a clean exit: print what argument-parser would.
                let text = fullMessage(for: error)
                if !text.isEmpty { writeHelp(text) }
                return 0
            }
            reportError("error: " + (unknownCommand(in: arguments) ?? oneLine(message(for: error))) + helpHint(for: arguments))
            return 1
        }
        do {
            try Slimtrace.$arguments.withValue(arguments) { try command.run() }
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            if exitCode(for: error) == .success {
                let text = fullMessage(for: error)
                if !text.isEmpty { writeHelp(text) }
                return 0
            }
            reportError("error: " + describe(error))
            return 1
        }
    }

    /// With `search` the default command, `slimtrace frobnicate MODEL` would complain about MODEL;
    /// name the word that is neither a command nor an existing path instead.
    static func unknownCommand(in arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), arguments.count > 1,
              !commandNames.contains(first),
              !FileManager.default.fileExists(atPath: first) else { return nil }
        return "'\(first)' is neither a command (\(commandNames.joined(separator: ", "))) nor an existing checkpoint path"
    }

    /// `slimtrace help WORD` where WORD is no command: argument-parser would print the root help
    /// and exit 0; say that there is no such command instead.
    static func unknownHelpTopic(in arguments: [String]) -> String? {
        guard arguments.first == "help", let topic = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }),
              topic != "help", !commandNames.contains(topic) else { return nil }
        return "help: '\(topic)' is not a command (\(commandNames.joined(separator: ", ")))"
    }

    /// The subcommands' names, in help order (each subcommand names itself in its configuration).
    static var commandNames: [String] { configuration.subcommands.compactMap { $0.configuration.commandName } }

    /// The one-line message for an error a command threw: its `LocalizedError` description, on one line.
    public static func describe(_ error: any Error) -> String {
        let text: String
        if let localized = error as? LocalizedError, let description = localized.errorDescription {
            text = description
        } else {
            text = error.localizedDescription
        }
        return oneLine(text)
    }

    /// Writes `line` and a newline to standard error.
    public static func writeToStandardError(_ line: String) {
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
    }

    /// `text` with its lines joined by spaces (an error is one line).
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// ` (see 'slimtrace SUBCOMMAND --help')` for a usage error.
    static func helpHint(for arguments: [String]) -> String {
        let command = ["slimtrace"] + arguments.prefix(1).filter(commandNames.contains)
        return " (see '\(command.joined(separator: " ")) --help')"
    }
}
