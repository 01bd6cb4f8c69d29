import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file or folder, claimed before a command writes it so that nothing of the user's
/// inputs is ever overwritten and no reader ever sees half a result.
///
/// Claiming resolves the path (relative parts, `..`, symlinks, trailing slashes) and refuses an
/// output that is an input or holds one: compared by resolved real path and by file identity
/// (device and inode), so hard links and other spellings of an input are refused too. An input
/// folder (a checkpoint) protects itself and everything directly in it, symlink targets included;
/// a new name inside it may be written. The claim then holds an exclusive, non-blocking `flock`
/// on a lock file beside the destination until the object is released: a second writer of the
/// same destination fails at once with `Failure.busy`.
///
/// `write(_:)` builds the result under a temporary sibling name and renames it into place; a
/// replaced folder is renamed aside first and deleted after the new one is in. On any error the
/// temporary files, the lock file and any parent folders the claim created are removed.
public final class OutputPath {
    /// What the output is: a file (an existing file is replaced) or a folder (an existing
    /// non-empty folder is replaced only with `replacing`).
    public enum Kind: Sendable, Equatable {
        case file
        case folder(replacing: Bool)
    }

    /// Why an output cannot be written; each names the output as given.
    public enum Failure: Error, LocalizedError, Equatable {
        /// The output is one of the inputs (or another name of it).
        case isInput(output: String, input: String)
        /// The output is a folder that holds an input.
        case containsInput(output: String, input: String)
        /// The output folder exists, is not empty, and replacing was not asked for.
        case notEmpty(output: String)
        /// A file was asked for and the output is a folder.
        case isAFolder(output: String)
        /// A folder was asked for and the output is a file.
        case isAFile(output: String)
        /// A file was asked for and the output is a device, pipe or socket (it cannot be renamed over).
        case notARegularFile(output: String)
        /// The folder the output file goes in does not exist.
        case missingFolder(output: String, folder: String)
        /// Another writer holds the output's lock.
        case busy(output: String)
        /// The file system refused an operation.
        case failed(output: String, detail: String)

        public var errorDescription: String? {
            switch self {
            case let .isInput(output, input): "\(output): cannot write the output there: it is the input \(input)"
            case let .containsInput(output, input): "\(output): cannot write the output there: it holds the input \(input)"
            case let .notEmpty(output): "\(output): the output folder exists and is not empty (--force replaces it)"
            case let .isAFolder(output): "\(output): cannot write the output: is a folder (give a file name)"
            case let .isAFile(output): "\(output): cannot write the output: is a file, not a folder (give a folder name)"
            case let .notARegularFile(output): "\(output): cannot write the output: is a device or pipe, not a regular file (leave out --output to write to standard output)"
            case let .missingFolder(output, folder): "\(output): cannot write the output: the folder \(folder) does not exist"
            case let .busy(output): "\(output): another slimtrace is writing this output now; nothing was written (try again when it has finished)"
            case let .failed(output, detail): "\(output): cannot write the output: \(detail)"
            }
        }
    }

    /// The path as given (what messages name).
    public let path: String
    /// The resolved destination.
    public let url: URL
    /// File or folder.
    public let kind: Kind

    private let inputs: [Protected]
    private let lockPath: String
    private var lockDescriptor: Int32 = -1
    private var createdFolders: [String] = []
    private var written = false

    /// Claims `path` as an output of `kind` that must not touch `inputs` (files or folders; those
    /// that do not exist are ignored). Throws `Failure` when the output may not be written.
    public init(_ path: String, kind: Kind, inputs: [URL]) throws {
        self.path = path
        self.kind = kind
        url = URL(fileURLWithPath: OutputPath.resolve(path))
        self.inputs = inputs.flatMap(OutputPath.protected)
        lockPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).slimtrace-lock").path
        try check()
        try createParent()
        try lock()
    }

    deinit {
        if lockDescriptor >= 0 {
            unlink(lockPath)
            close(lockDescriptor)
        }
        if !written {
            for folder in createdFolders.reversed() { rmdir(folder) }
        }
    }

    /// Lets `body` write the result at a temporary sibling URL (for a folder, an empty folder
    /// already created), then moves it into place. Throws `body`'s error or a `Failure`; on error
    /// the temporary result is removed and the destination is as it was.
    public func write(_ body: (URL) throws -> Void) throws {
        try check()
        let manager = FileManager.default
        let staging = sibling("slimtrace-\(UUID().uuidString)")
        if case .folder = kind {
            do { try manager.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
                throw Failure.failed(output: path, detail: "cannot create the temporary folder \(staging.path): \(error.localizedDescription)")
            }
        }
        do {
            try body(staging)
            try commit(staging)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
        written = true
    }

    /// Moves `staging` to the destination: one rename for a file or a new folder; an existing
    /// folder is renamed aside, the new one renamed in, and the old one deleted.
    private func commit(_ staging: URL) throws {
        guard case .folder = kind, OutputPath.identity(of: url.path) != nil else {
            try move(staging, to: url)
            return
        }
        let aside = sibling("slimtrace-old-\(UUID().uuidString)")
        try move(url, to: aside)
        do { try move(staging, to: url) } catch {
            rename(aside.path, url.path)
            throw error
        }
        try? FileManager.default.removeItem(at: aside)
    }

    private func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw Failure.failed(output: path, detail: "cannot move \(source.path) to \(destination.path): \(String(cString: strerror(errno)))")
        }
    }

    /// A hidden name beside the destination.
    private func sibling(_ suffix: String) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(suffix)")
    }

    /// Throws unless the destination may be written now.
    private func check() throws {
        let destination = url.path
        let identity = OutputPath.identity(of: destination)
        if let input = inputs.first(where: { $0.path == destination || (identity != nil && $0.identity == identity) }) {
            throw Failure.isInput(output: path, input: input.shown)
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory)
        if exists, isDirectory.boolValue, let identity {
            let held = inputs.first { input in
                OutputPath.ancestors(of: input.path).contains { OutputPath.identity(of: $0) == identity }
            }
            if let held { throw Failure.containsInput(output: path, input: held.shown) }
        }
        switch kind {
        case .file:
            if exists, isDirectory.boolValue { throw Failure.isAFolder(output: path) }
            if exists, (try? FileManager.default.attributesOfItem(atPath: destination)[.type] as? FileAttributeType) != .typeRegular {
                throw Failure.notARegularFile(output: path)
            }
            let folder = url.deletingLastPathComponent().path
            var folderIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &folderIsDirectory), folderIsDirectory.boolValue else {
                throw Failure.missingFolder(output: path, folder: folder)
            }
        case let .folder(replacing):
            guard exists else { return }
            guard isDirectory.boolValue else { throw Failure.isAFile(output: path) }
            let empty = (try? FileManager.default.contentsOfDirectory(atPath: destination))?.isEmpty ?? false
            if !empty && !replacing { throw Failure.notEmpty(output: path) }
        }
    }

    /// Creates the missing folders above a folder output, remembering them for removal.
    private func createParent() throws {
        guard case .folder = kind else { return }
        var missing: [String] = []
        var folder = url.deletingLastPathComponent()
        while OutputPath.identity(of: folder.path) == nil, folder.path != "/" {
            missing.insert(folder.path, at: 0)
            folder = folder.deletingLastPathComponent()
        }
        for folder in missing {
            guard mkdir(folder, 0o777) == 0 else {
                throw Failure.failed(output: path, detail: "cannot create the folder \(folder): \(String(cString: strerror(errno)))")
            }
            createdFolders.append(folder)
        }
    }

    /// Takes the lock file's exclusive lock without waiting.
    private func lock() throws {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Failure.failed(output: path, detail: "cannot create the lock file \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            close(descriptor)
            if error == EWOULDBLOCK { throw Failure.busy(output: path) }
            throw Failure.failed(output: path, detail: "cannot lock \(lockPath): \(String(cString: strerror(error)))")
        }
        // A writer that finished between our open and flock unlinked the file we locked.
        var opened = stat()
        guard fstat(descriptor, &opened) == 0, OutputPath.identity(of: lockPath) == Identity(opened) else {
            close(descriptor)
            throw Failure.busy(output: path)
        }
        lockDescriptor = descriptor
    }

    /// A file's device and inode.
    private struct Identity: Equatable {
        let device: UInt64
        let inode: UInt64

        init(_ status: stat) {
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
        }
    }

    /// An input the output must not be, nor hold: its real path, its identity, and how to name it.
    private struct Protected {
        let path: String
        let identity: Identity?
        let shown: String
    }

    /// `path`'s identity, following symlinks; nil when it does not exist.
    private static func identity(of path: String) -> Identity? {
        var status = stat()
        return stat(path, &status) == 0 ? Identity(status) : nil
    }

    /// The input at `url` and, for a folder, every entry directly in it (symlinks resolved).
    private static func protected(_ url: URL) -> [Protected] {
        guard let real = realPath(url.path) else { return [] }
        var items = [Protected(path: real, identity: identity(of: real), shown: url.path)]
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue,
           let names = try? FileManager.default.contentsOfDirectory(atPath: real) {
            for name in names.sorted() {
                let shown = url.appendingPathComponent(name).path
                guard let entry = realPath(url.appendingPathComponent(name).path) else { continue }
                items.append(Protected(path: entry, identity: identity(of: entry), shown: shown))
            }
        }
        return items
    }

    /// Every folder above the real path `path`, up to `/`.
    private static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = URL(fileURLWithPath: path)
        while current.path != "/" {
            current = current.deletingLastPathComponent()
            result.append(current.path)
        }
        return result
    }

    /// `path` with symlinks resolved, nil when it does not exist.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `path` made absolute and resolved: its longest existing prefix through `realpath`, the
    /// rest (names that do not exist yet, so no symlinks) joined with `.` and `..` applied.
    public static func resolve(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var head = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var tail: [String] = []
        while realPath("/" + head.joined(separator: "/")) == nil, let last = head.popLast() {
            tail.insert(last, at: 0)
        }
        var components = (realPath("/" + head.joined(separator: "/")) ?? "/")
            .split(separator: "/").map(String.init)
        for name in tail where name != "." {
            if name == ".." { _ = components.popLast() } else { components.append(name) }
        }
        return "/" + components.joined(separator: "/")
    }
}
