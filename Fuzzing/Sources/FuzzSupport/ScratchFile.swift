import Foundation

/// One reusable file per fuzzing process: each input is written to it before a reader that only
/// opens paths reads it. It lives in the system temporary folder, named by the process id.
public enum ScratchFile {
    /// Writes `size` bytes at `data` to the scratch file ending in `.ext` and returns its URL.
    public static func write(_ data: UnsafePointer<UInt8>, _ size: Int, ext: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("slimtrace-fuzz-\(ProcessInfo.processInfo.processIdentifier).\(ext)")
        do {
            try Data(bytes: data, count: size).write(to: url)
        } catch {
            fatalError("cannot write the fuzz scratch file \(url.path): \(error)")
        }
        return url
    }
}
