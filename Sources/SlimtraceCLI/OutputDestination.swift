import Foundation

/// Where a command writes its result: standard output or a file (`--output`).
enum OutputDestination {
    /// Writes `text` to the file at `path`, or to standard output when `path` is nil, ending it
    /// with a newline when it has none.
    static func write(_ body: String, to path: String?) throws {
        let text = body.hasSuffix("\n") ? body : body + "\n"
        guard let path else {
            do {
                try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
            } catch {
                throw CLIError.cannotWrite(path: "standard output", detail: error.localizedDescription)
            }
            return
        }
        let url = URL(fileURLWithPath: path)
        try checkFolder(of: url)
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw CLIError.cannotWrite(path: path, detail: error.localizedDescription)
        }
    }

    /// Throws `CLIError.cannotWrite` when `url` names a folder or its folder does not exist.
    static func checkFolder(of url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIError.cannotWrite(path: url.path, detail: "is a folder (give a file name)")
        }
        let folder = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError.cannotWrite(path: url.path, detail: "the folder \(folder.path) does not exist")
        }
    }
}
