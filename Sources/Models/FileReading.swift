import Foundation
import Formats

/// Reading a checkpoint's small files (`config.json`, the shard index) whole, with one-line
/// errors that name the file and say why: absent, a directory, a dangling symbolic link, a loop.
enum FileReading {
    /// The bytes of the file at `url`, or `ModelError.missingFile` naming it.
    static func data(of url: URL) throws -> Data {
        do {
            let mapping = try MappedFile(url: url)
            return Data(mapping.bytes)
        } catch let FormatError.io(file, detail) {
            throw ModelError.missingFile(path: file, detail: detail)
        }
    }

    /// True when the folder has an entry at `url`, even a symbolic link that leads nowhere.
    static func entryExists(_ url: URL) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: url.path)) != nil
    }
}
