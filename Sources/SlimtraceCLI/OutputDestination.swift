import Formats
import Foundation
import Models

/// Where a command writes its text result: standard output, or the file `--output` names,
/// claimed (`OutputPath`) when the command starts so that it never lands on an input and a
/// concurrent writer of the same file is refused.
struct OutputDestination {
    /// Standard output.
    static var standardOutput: OutputDestination { OutputDestination(file: nil) }

    private let file: OutputPath?

    private init(file: OutputPath?) {
        self.file = file
    }

    /// The file at `path` (standard output when nil), which must not be or hold any of `inputs`
    /// (paths of the files and folders the command reads; nil entries are options not given).
    init(_ path: String?, inputs: [String?]) throws {
        file = try path.map { try OutputPath($0, kind: .file, inputs: inputs.compactMap { $0 }.map(URL.init(fileURLWithPath:))) }
    }

    /// Writes `body`, ending it with a newline when it has none.
    func write(_ body: String) throws {
        let data = Data((body.hasSuffix("\n") ? body : body + "\n").utf8)
        guard let file else {
            do {
                try FileHandle.standardOutput.write(contentsOf: data)
            } catch {
                throw CLIError.cannotWrite(path: "standard output", detail: error.localizedDescription)
            }
            return
        }
        do {
            try file.write { try data.write(to: $0) }
        } catch let error as OutputPath.Failure {
            throw error
        } catch {
            throw CLIError.cannotWrite(path: file.path, detail: error.localizedDescription)
        }
    }
}
